import { Box, Text } from 'ink';
import { SectionTitle } from './SectionTitle.js';

/** Props of EventLog. */
export interface EventLogProps {
  /** Formatted lines, newest last. */
  readonly lines: readonly string[];
  /** Most lines drawn under the title: the newest (with none, the newest shares the title's line). */
  readonly maxLines: number;
  readonly columns: number;
}

/** The recent noteworthy events: states, crashes, evictions, SMS sends, warnings; each cut at the terminal's width. */
export function EventLog({ lines, maxLines, columns }: EventLogProps) {
  if (lines.length === 0) return <SectionTitle title="Events" detail="nothing yet" columns={columns} />;
  if (maxLines <= 0) return <SectionTitle title="Events" detail={lines.at(-1)} columns={columns} />;
  return (
    <Box flexDirection="column">
      <SectionTitle title="Events" columns={columns} />
      {lines.slice(-maxLines).map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from 'ink';

/** Props of EventLog. */
export interface EventLogProps {
  /** Formatted lines, newest last. */
  readonly lines: readonly string[];
}

/** The recent noteworthy events: states, crashes, evictions, SMS sends, warnings. */
export function EventLog({ lines }: EventLogProps) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Events</Text>
      {lines.length === 0 ? <Text dimColor>nothing yet</Text> : lines.map((line, i) => <Text key={i} wrap="truncate">{line}</Text>)}
    </Box>
  );
}

import { Text } from 'ink';

/** Props of SectionTitle. */
export interface SectionTitleProps {
  /** `Requests`. */
  readonly title: string;
  /** Dim text after the title (`none yet`, a key hint); the first SMS shares the SMS title's line this way. */
  readonly detail?: string | undefined;
  /** Width of the line: a rule fills what the title leaves (none when a detail is given). */
  readonly columns: number;
}

/** The one-line title of a part of the dashboard, `Requests  ←→ select ─────`, cut at the terminal's width. */
export function SectionTitle({ title, detail, columns }: SectionTitleProps) {
  const rule = Math.max(0, columns - title.length - 1 - (detail === undefined ? 0 : detail.length + 2));
  return (
    <Text wrap="truncate">
      <Text bold>{title}</Text>
      {detail === undefined ? null : <Text dimColor>  {detail}</Text>}
      {rule > 0 ? <Text dimColor> {'─'.repeat(rule)}</Text> : null}
    </Text>
  );
}

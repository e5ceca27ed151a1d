import { Text } from 'ink';
import { dashboardKeys } from './use-dashboard-keys.js';

/** Props of KeyFooter. */
export interface KeyFooterProps {
  /** Labels of the actions still running. */
  readonly pending: readonly string[];
  /** The data dir, for the other-terminal hint. */
  readonly dataDir: string;
  readonly columns: number;
  /** Draw the other-terminal hint. @default true */
  readonly hint?: boolean;
}

const separator = ' · ';

/** The keys in lines of at most `columns` characters (`k kill · s stop · …`), as many keys on a line as fit. */
export function keyLines(columns: number): (typeof dashboardKeys)[number][][] {
  const lines: (typeof dashboardKeys)[number][][] = [];
  let width = 0;
  for (const entry of dashboardKeys) {
    const size = entry[0].length + 1 + entry[1].length;
    const line = lines.at(-1);
    if (line && width + separator.length + size <= columns) {
      line.push(entry);
      width += separator.length + size;
    } else {
      lines.push([entry]);
      width = size;
    }
  }
  return lines;
}

/** How many lines the footer takes without its hint: the keys, and the running actions when there are some. */
export function keyFooterHeight(columns: number, pending: readonly string[]): number {
  return keyLines(columns).length + (pending.length > 0 ? 1 : 0);
}

/** The last lines: every key, what is running, and what to do in another terminal. */
export function KeyFooter({ pending, dataDir, columns, hint = true }: KeyFooterProps) {
  return (
    <>
      {keyLines(columns).map((line) => (
        <Text key={line[0]![0]} wrap="truncate">
          {line.map(([key, meaning], i) => (
            <Text key={key}>
              {i > 0 ? separator : ''}
              <Text bold>{key}</Text> {meaning}
            </Text>
          ))}
        </Text>
      ))}
      {pending.length > 0 ? (
        <Text color="yellow" wrap="truncate">
          running: {pending.join(', ')}…
        </Text>
      ) : null}
      {hint ? (
        <Text dimColor wrap="truncate">
          topolab status / phone NUMBER / mode / kill INSTANCE in another terminal · data {dataDir}
        </Text>
      ) : null}
    </>
  );
}

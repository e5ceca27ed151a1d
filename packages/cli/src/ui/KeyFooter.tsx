import { Text } from 'ink';
import { dashboardKeys } from './use-dashboard-keys.js';

/** Props of KeyFooter. */
export interface KeyFooterProps {
  /** Labels of the actions still running. */
  readonly pending: readonly string[];
  /** The data dir, for the other-terminal hint. */
  readonly dataDir: string;
}

/** The last lines: every key, what is running, and what to do in another terminal. */
export function KeyFooter({ pending, dataDir }: KeyFooterProps) {
  return (
    <>
      <Text>
        {dashboardKeys.map(([key, meaning], i) => (
          <Text key={key}>
            {i > 0 ? ' · ' : ''}
            <Text bold>{key}</Text> {meaning}
          </Text>
        ))}
      </Text>
      {pending.length > 0 ? <Text color="yellow">running: {pending.join(', ')}…</Text> : null}
      <Text dimColor>topolab status / phone NUMBER / mode / kill INSTANCE in another terminal · data {dataDir}</Text>
    </>
  );
}

import { Box, Text } from 'ink';
import type { PhoneMessage } from '@topolab/runtime/control';
import { formatClock } from '../output/format.js';

/** Props of SmsPanel. */
export interface SmsPanelProps {
  /** Newest first. */
  readonly messages: readonly PhoneMessage[];
  /** Most messages drawn, one line each: the newest. @default 5 */
  readonly maxLines?: number;
}

// The dashboard may be shared on a screen: codes stay on the phone (`topolab phone NUMBER`).
const maskCodes = (text: string) => text.replace(/\b\d{4,8}\b/g, (digits) => '•'.repeat(digits.length));

const title = 'Latest SMS  ';

/** The latest SMS messages of every number, codes masked: the newest on the title's line, the others under it. */
export function SmsPanel({ messages, maxLines = 5 }: SmsPanelProps) {
  if (messages.length === 0) {
    return (
      <Text wrap="truncate">
        <Text bold>{title}</Text>
        <Text dimColor>none sent yet</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      {messages.slice(0, Math.max(1, maxLines)).map((message, i) => (
        <Text key={String(message.id)} wrap="truncate">
          <Text bold>{i === 0 ? title : ' '.repeat(title.length)}</Text>
          {formatClock(message.time)} {message.to} <Text color="cyan">{message.type}</Text> {maskCodes(message.text)}
        </Text>
      ))}
    </Box>
  );
}

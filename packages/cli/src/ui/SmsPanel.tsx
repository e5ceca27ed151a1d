import { Box, Text } from 'ink';
import type { PhoneMessage } from '@topolab/runtime';
import { formatClock } from '../output/format.js';

/** Props of SmsPanel. */
export interface SmsPanelProps {
  /** Newest first. */
  readonly messages: readonly PhoneMessage[];
}

// The dashboard may be shared on a screen: codes stay on the phone (`topolab phone NUMBER`).
const maskCodes = (text: string) => text.replace(/\b\d{4,8}\b/g, (digits) => '•'.repeat(digits.length));

/** The latest SMS messages of every number, codes masked. */
export function SmsPanel({ messages }: SmsPanelProps) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Latest SMS</Text>
      {messages.length === 0 ? (
        <Text dimColor>none sent yet</Text>
      ) : (
        messages.map((message) => (
          <Text key={String(message.id)} wrap="truncate">
            {formatClock(message.time)} {message.to} <Text color="cyan">{message.type}</Text> {maskCodes(message.text)}
          </Text>
        ))
      )}
    </Box>
  );
}

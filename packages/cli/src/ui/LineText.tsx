import { Text } from 'ink';
import type { Line, Tone } from '../reporters/narration.js';

/** Props of LineText. */
export interface LineTextProps {
  readonly line: Line;
  /** Cut the line at the width of its box instead of wrapping it. @default false */
  readonly truncate?: boolean;
}

const styleOf = (tone: Tone) => ({
  ...(tone === 'pass' ? { color: 'green' } : tone === 'fail' ? { color: 'red' } : tone === 'skip' ? { color: 'yellow' } : {}),
  ...(tone === 'dim' ? { dimColor: true } : {}),
  ...(tone === 'head' || tone === 'code' ? { bold: true } : {}),
});

/** One line of toned segments (narration, a request row, a hop) in colour; an empty line stays one line tall. */
export function LineText({ line, truncate = false }: LineTextProps) {
  return (
    <Text {...(truncate ? { wrap: 'truncate' as const } : {})}>
      {line.length === 0 ? ' ' : line.map((segment, i) => <Text key={i} {...styleOf(segment.tone)}>{segment.text}</Text>)}
    </Text>
  );
}

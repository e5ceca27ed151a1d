import type { ChalkInstance } from 'chalk';
import type { Line, Tone } from './narration.js';

/** Paints one line of narration with chalk (a chalk of level 0 leaves it plain). */
export function renderLine(line: Line, c: ChalkInstance): string {
  const paint: Record<Tone, (text: string) => string> = {
    pass: c.green,
    fail: c.red,
    skip: c.yellow,
    head: c.bold,
    dim: c.dim,
    code: c.bold,
    text: (text) => text,
  };
  return line.map((segment) => paint[segment.tone](segment.text)).join('');
}

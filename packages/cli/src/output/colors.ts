import { Chalk, type ChalkInstance } from 'chalk';

/** A chalk that honours NO_COLOR and paints only terminals. */
export function createColors(stream: NodeJS.WriteStream): ChalkInstance {
  const enabled = !process.env.NO_COLOR && Boolean(stream.isTTY);
  return new Chalk({ level: enabled ? 1 : 0 });
}

import { createWriteStream, fchmodSync, openSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { LogRecord } from '@topolab/services/contract';
import { privateFileMode } from '../topology/private-files.js';

/** How many recent lines an instance keeps for error reports. @default 50 */
export const defaultTailLines = 50;

/** The log of one instance: appended to its file, the last lines kept in memory. */
export interface InstanceLog {
  readonly file: string;
  /** Appends one line (without newline). */
  writeLine(line: string): void;
  /** Splits a stream into lines, writing each and passing it to `onLine`. */
  follow(stream: Readable, onLine: (line: string) => void): void;
  /** The most recent lines, oldest first. */
  lastLines(): string[];
  /** Resolves when every followed stream has ended, or after `maxMs`. */
  settle(maxMs: number): Promise<void>;
  /** Flushes and closes the file once followed streams have ended. */
  close(): Promise<void>;
}

/** Opens (appends to) the log file of an instance; `header` goes to the file only, not to the tail. */
export function openInstanceLog(file: string, options: { header?: string; tailLines?: number } = {}): InstanceLog {
  const tailLines = options.tailLines ?? defaultTailLines;
  let failed = false;
  let stream: WriteStream | undefined;
  try {
    // Opened synchronously so the file exists from the spawn on (`tail -f` works at once); 0600
    // also when an earlier run (or version) left it wider: a log may name users and addresses.
    const fd = openSync(file, 'a', privateFileMode);
    stream = createWriteStream(file, { fd });
    // A log file we cannot write must not take the supervisor down; the tail still works.
    stream.on('error', () => {
      failed = true;
    });
    fchmodSync(fd, privateFileMode);
    if (options.header !== undefined) stream.write(`${options.header}\n`);
  } catch {
    failed = true;
    stream?.destroy();
  }
  const tail: string[] = [];
  const followed: Promise<void>[] = [];

  const writeLine = (line: string) => {
    tail.push(line);
    if (tail.length > tailLines) tail.shift();
    if (!failed) stream?.write(`${line}\n`);
  };

  return {
    file,
    writeLine,
    follow(source, onLine) {
      let partial = '';
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          writeLine(line);
          onLine(line);
        }
      });
      followed.push(
        new Promise((resolve) => {
          const finish = () => {
            if (partial) {
              writeLine(partial);
              onLine(partial);
              partial = '';
            }
            resolve();
          };
          source.once('end', finish);
          source.once('close', finish);
          source.once('error', finish);
        }),
      );
    },
    lastLines: () => [...tail],
    async settle(maxMs) {
      await Promise.race([Promise.all(followed), delay(maxMs)]);
    },
    async close() {
      // A grandchild holding the pipe open must not hold the supervisor: wait a bounded time.
      await Promise.race([Promise.all(followed), delay(1000)]);
      const current = stream;
      if (!current || failed) return;
      await new Promise<void>((resolve) => current.end(resolve));
    },
  };
}

/** Renders an IPC log record as one line: `12:00:01.234 warn  heartbeat failed {"error":…}`. */
export function formatLogRecord(record: LogRecord): string {
  const time = new Date(record.time).toISOString().slice(11, 23);
  const fields = record.fields && Object.keys(record.fields).length > 0 ? ` ${safeJson(record.fields)}` : '';
  return `${time} ${record.level.padEnd(5)} ${record.msg}${fields}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

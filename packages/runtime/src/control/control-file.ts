import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../topology/private-files.js';

/** The content of `<dataDir>/control.json`: how another terminal reaches the running topology. */
export interface ControlFile {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Bearer token (64 hex chars). Never print it. */
  readonly token: string;
  /** Process that serves the control API. */
  readonly pid: number;
  /** Epoch ms. */
  readonly startedAt: number;
}

/** `<dataDir>/control.json`. */
export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'control.json');
}

/**
 * Writes the control file readable by the user only (mode 0600, also when it already existed),
 * atomically: another terminal's `topolab status` never reads half a file.
 */
export function writeControlFile(dataDir: string, content: ControlFile): void {
  writePrivateFile(controlFilePath(dataDir), `${JSON.stringify(content, null, 2)}\n`);
}

/** Reads the control file; undefined when it is missing or not a control file. */
export function readControlFile(dataDir: string): ControlFile | undefined {
  let parsed: Partial<ControlFile>;
  try {
    parsed = JSON.parse(readFileSync(controlFilePath(dataDir), 'utf8')) as Partial<ControlFile>;
  } catch {
    return undefined;
  }
  const { url, token, pid, startedAt } = parsed;
  if (typeof url !== 'string' || typeof token !== 'string' || typeof pid !== 'number') return undefined;
  return { url, token, pid, startedAt: typeof startedAt === 'number' ? startedAt : 0 };
}

/** Removes the control file if it still holds `token` (a newer topology's file is left alone). */
export function removeControlFile(dataDir: string, token: string): void {
  if (readControlFile(dataDir)?.token !== token) return;
  rmSync(controlFilePath(dataDir), { force: true });
}

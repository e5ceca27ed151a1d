import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One file of an export, relative to the output folder. */
export interface ExportFile {
  readonly path: string;
  readonly content: string;
  /** @default 0o644 */
  readonly mode?: number;
  /** Mode of the folder it is in (a secrets folder only the user can open). @default as created */
  readonly dirMode?: number;
}

/** Writes `files` under `outDir` (created as needed); resolves with the absolute paths written. */
export function writeExportFiles(outDir: string, files: readonly ExportFile[]): string[] {
  const root = resolve(outDir);
  return files.map((file) => {
    const path = join(root, file.path);
    if (!path.startsWith(`${root}/`)) throw new Error(`An export file escapes its folder: ${file.path}`);
    mkdirSync(dirname(path), { recursive: true });
    if (file.dirMode !== undefined) chmodSync(dirname(path), file.dirMode);
    writeFileSync(path, file.content, { mode: file.mode ?? 0o644 });
    // writeFileSync leaves the mode of a file that existed already.
    chmodSync(path, file.mode ?? 0o644);
    return path;
  });
}

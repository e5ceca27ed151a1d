import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where a file reporter writes its document: a file (`--output`), or a stream (stdout when it is the only reporter). */
export type DocumentTarget = { readonly file: string } | { readonly stream: NodeJS.WritableStream };

/** Writes `text` to the target, creating the file's directory if needed. */
export function writeDocument(target: DocumentTarget, text: string): void {
  if ('file' in target) {
    const path = resolve(target.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } else {
    target.stream.write(text);
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runtimeSrc = fileURLToPath(new URL('..', import.meta.url));
// The pattern scripts/code-figures.mjs counts: `name === '<service>'` and the like.
const branch = /\b(?:spec\.|service\.|entry\.)?name\s*[!=]==\s*'[a-z-]+'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('per-service knowledge', () => {
  it('lives on the manifest: runtime code asks no `name === …` (at most 3 allowed)', () => {
    const found = sourceFiles(runtimeSrc).flatMap((file) => (readFileSync(file, 'utf8').match(branch) ?? []).map((match) => `${relative(runtimeSrc, file)}: ${match}`));
    expect(found.length, found.join('\n')).toBeLessThanOrEqual(3);
  });
});

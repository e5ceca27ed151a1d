import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from './zod.js';

const src = fileURLToPath(new URL('../', import.meta.url));

/** Every non-test source file of the services. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('kit/zod', () => {
  it('is the only way the services reach zod, and always as a namespace (what keeps classic zod out of the bundles)', () => {
    const offending = sources(src)
      .filter((path) => relative(src, path) !== join('kit', 'zod.ts'))
      .filter((path) => {
        const text = readFileSync(path, 'utf8');
        return /from 'zod(\/[^']*)?'/.test(text) || /import (type )?\{[^}]*\bz\b[^}]*\} from '[./]+(kit\/)?zod\.js'/.test(text);
      })
      .map((path) => relative(src, path));
    expect(offending).toEqual([]);
  });

  it("gives zod's English messages, not mini's bare \"Invalid input\"", () => {
    const schema = z.object({ name: z.string().check(z.minLength(3)), age: z.number() });
    expect(z.safeParse(schema, { name: 'ab', age: 'x' }).error?.issues.map((issue) => issue.message)).toEqual([
      'Too small: expected string to have >=3 characters',
      'Invalid input: expected number, received string',
    ]);
  });
});

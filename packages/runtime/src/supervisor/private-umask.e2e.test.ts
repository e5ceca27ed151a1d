import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { withPrivateUmask } from './private-umask.js';

/** The process umask, read without the deprecated no-argument call. */
function currentUmask(): number {
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}

/** Runs `sh -c umask` spawned inside withPrivateUmask: what the child inherited. */
async function childUmask(): Promise<string> {
  const subprocess = withPrivateUmask(() => execa('sh', ['-c', 'umask'], { reject: false }));
  return (await subprocess).stdout.trim();
}

describe('withPrivateUmask (CWE-276: children create files 0600, folders 0700)', () => {
  it('spawns the child with umask 077 and restores the parent umask before returning', async () => {
    const previous = process.umask(0o022);
    try {
      expect(await childUmask()).toBe('0077');
      expect(currentUmask()).toBe(0o022);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps bits of a narrower user umask, and restores the umask when the spawn throws', async () => {
    const previous = process.umask(0o227);
    try {
      expect(await childUmask()).toBe('0277');
      expect(() =>
        withPrivateUmask(() => {
          throw new Error('spawn failed');
        }),
      ).toThrow('spawn failed');
      expect(currentUmask()).toBe(0o227);
    } finally {
      process.umask(previous);
    }
  });
});

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// nginx and redis-server often live in an sbin folder that is not on a user's PATH.
const extraDirs = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/opt/homebrew/sbin'];

/** The absolute path of an executable `binary` on PATH or in the usual sbin folders, if any. */
export function findProgram(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}


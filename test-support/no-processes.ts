// Setup of the unit lane (vitest.config.ts): a unit test starts no process. Every way
// node:child_process spawns one throws, so a test that needs a real process says so by its
// place (`packages/*/test/`) or its name (`*.e2e.test.ts`) instead of slowing the fast lane.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']) {
  childProcess[name] = () => {
    throw new Error(`child_process.${name}: the unit lane starts no process; move this test to packages/*/test/ or name it *.e2e.test.ts`);
  };
}
syncBuiltinESMExports();

#!/usr/bin/env node
// The scenario matrix once more on the real parts (redis-server as global cache and bus, nginx
// as the lb). Part of the test command: skipped with a note where they are not installed (a
// machine with only Node), a failure where TOPOLAB_REQUIRE_BACKENDS=1 (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { backendsRequired, findProgram } from '../packages/services/dist/contract/index.js';

const missing = ['redis-server', 'nginx'].filter((binary) => !findProgram(binary));
if (missing.length > 0) {
  const line = `scenario matrix on redis + nginx: ${missing.join(' and ')} not installed (sudo apt-get install -y redis-server nginx)`;
  if (backendsRequired()) {
    process.stderr.write(`✖ TOPOLOGY_BACKEND_MISSING  ${line}\n`);
    process.exit(3);
  }
  process.stdout.write(`skipped: ${line}\n`);
  process.exit(0);
}
const run = spawnSync(
  process.execPath,
  ['packages/cli/dist/bin.js', 'run', '--matrix', '--cache', 'redis', '--bus', 'redis', '--lb', 'nginx', '--parallel', '2', '--reporter', 'plain', '--reporter', 'junit', '--output', 'test-results/scenarios-redis-nginx.junit.xml', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);

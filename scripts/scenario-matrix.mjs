#!/usr/bin/env node
// The scenario lane of the test command (`pnpm test:scenarios`): the matrix with every part
// embedded, then once more on the real parts (redis-server as global cache and bus, nginx as the
// lb). The real-parts run is skipped with a note where they are not installed (a machine with
// only Node). TOPOLAB_REQUIRE_BACKENDS=1 (.ci/run installs them) is a switch of the test lanes:
// here it makes a missing program a failure, and each run gets `--require-programs`.
import { spawnSync } from 'node:child_process';
import { findProgram } from '../packages/services/dist/contract/index.js';

const required = process.env.TOPOLAB_REQUIRE_BACKENDS === '1';
const extra = [...(required ? ['--require-programs'] : []), ...process.argv.slice(2)];

/** Runs `topolab run --matrix` with `args`; exits with its code when it fails. */
function runMatrix(args, junitFile) {
  const run = spawnSync(process.execPath, ['packages/cli/dist/bin.js', 'run', '--matrix', ...args, '--parallel', '2', '--reporter', 'plain', '--reporter', 'junit', '--output', junitFile, ...extra], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

runMatrix([], 'test-results/scenarios.junit.xml');

const missing = ['redis-server', 'nginx'].filter((binary) => !findProgram(binary));
if (missing.length > 0) {
  const line = `scenario matrix on redis + nginx: ${missing.join(' and ')} not installed (sudo apt-get install -y redis-server nginx)`;
  if (required) {
    process.stderr.write(`✖ TOPOLOGY_BACKEND_MISSING  ${line}\n`);
    process.exit(3);
  }
  process.stdout.write(`skipped: ${line}\n`);
  process.exit(0);
}
runMatrix(['--cache', 'redis', '--bus', 'redis', '--lb', 'nginx'], 'test-results/scenarios-redis-nginx.junit.xml');

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixture, isAlive, killLeftovers, makeTempDir } from './helpers.js';

describe('no orphans', () => {
  // supervise.mjs imports the compiled runtime: `npx tsc -b` runs before the tests.
  it('SIGKILL of the supervisor process leaves no child after 2 s', async () => {
    const dir = makeTempDir('orphans');
    const supervisor = spawn(process.execPath, [fixture('supervise.mjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pids: number[] = [];
    onTestFinished(() => killLeftovers([supervisor.pid, ...pids]));

    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: supervisor.stdout });
      lines.once('line', resolve);
      supervisor.once('exit', (code) => reject(new Error(`supervise.mjs exited early with ${code}`)));
    });
    pids = (JSON.parse(firstLine) as { pids: number[] }).pids;
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const exited = new Promise((resolve) => supervisor.once('exit', resolve));
    supervisor.kill('SIGKILL');
    await exited;
    await expect.poll(() => pids.every((pid) => !isAlive(pid)), { message: 'every child of the killed supervisor to exit' }).toBeTruthy();
  });
});

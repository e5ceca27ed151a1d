import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { testDir } from '@topolab/test-support/files';

const tempDir = () => testDir('cli-bench');

describe('topolab bench', () => {
  it('has --help with examples', async () => {
    const run = await runCli(['bench', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('$ topolab bench');
    for (const flag of ['--discovery', '--auth', '--duration', '--connections', '--rate', '--rounds', '--receivers', '--messages', '--json', '--markdown', '--html', '--only', '--load', '--cpu-prof']) expect(run.stdout).toContain(flag);
  });

  it.each([
    [['bench', '--duration', '10h']],
    [['bench', '--duration', '0']],
    [['bench', '--auth', 'psychic']],
    [['bench', '--discovery', 'client,dns']],
    [['bench', '--only', 'speed']],
    [['bench', '--rounds', '0']],
    [['bench', '--connections', 'many']],
    [['bench', '--receivers', '0']],
    [['bench', '--load', 'ab']],
  ])('exits 2 on the usage error %j', async (args) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a --cpu-prof folder it cannot make before any topology starts (CLI_USAGE, exit 2)', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const run = await runCli(['bench', '--only', 'throughput', '--cpu-prof', join(file, 'prof')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLI_USAGE');
    expect(run.stderr).toContain('--cpu-prof cannot use the folder');
    expect(run.stderr).not.toMatch(/starting|\n\s+at /);
  });

  it.each([
    ['--json', (dir: string) => join(dir, 'a-file', 'bench.json'), 'EEXIST'],
    ['--markdown', (dir: string) => dir, 'EISDIR'],
    ['--html', (dir: string) => join(dir, 'a-file', 'deeper', 'bench.html'), 'ENOTDIR'],
  ])('refuses a %s file it cannot write before any topology starts (CLI_USAGE, exit 2), not after the run', async (flag, pathIn, code) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    const run = await runCli(['bench', '--only', 'throughput', flag, pathIn(dir)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLI_USAGE');
    expect(run.stderr).toContain(`${flag} cannot write`);
    expect(run.stderr).toContain(code);
    expect(run.stderr).not.toMatch(/starting|\n\s+at /);
  });

  it('runs a short throughput bench and writes the JSON, Markdown and HTML reports', async () => {
    const dir = tempDir();
    const files = { json: join(dir, 'bench.json'), markdown: join(dir, 'bench.md'), html: join(dir, 'bench.html') };
    const run = await runCli(
      ['bench', '--duration', '1s', '--warmup', '0', '--rounds', '1', '--discovery', 'client', '--auth', 'remote,none', '--only', 'throughput', '--json', files.json, '--markdown', files.markdown, '--html', files.html],
      120_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(report.version).toBe(1);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.settings).toMatchObject({ durationMs: 1000, rounds: 1, discovery: ['client'], auth: ['remote', 'none'], sections: ['throughput'] });
    const rows = report.throughput.rows as { id: string; samples: { requests: number; errors: number; non2xx: number }[]; missing?: string }[];
    expect(rows.map((row) => row.id)).toEqual(['direct', 'nginx', 'bare-node', 'client/remote', 'client/none']);
    // The bench-only none mode works on the bench's own topology (its gateways get the opt-in).
    for (const id of ['direct', 'bare-node', 'client/remote', 'client/none']) {
      const row = rows.find((candidate) => candidate.id === id)!;
      expect(row.samples).toHaveLength(1);
      expect(row.samples[0]!.requests).toBeGreaterThan(0);
      expect(row.samples[0]!.non2xx).toBe(0);
    }
    expect(report.throughput.rounds).toHaveLength(1);
    expect(report.targets.length).toBeGreaterThan(0);
    expect(report.revocation).toBeUndefined();
    // Progress: a line per row on a non-TTY stderr; the report on stdout.
    expect(run.stderr).toMatch(/round 1\/1 {2}direct/);
    expect(run.stdout).toContain('Targets');
    expect(readFileSync(files.markdown, 'utf8')).toContain('| client/remote |');
    expect(readFileSync(files.html, 'utf8')).toContain('<svg');
  }, 150_000);

  it('--only fanout measures the WebSocket fan-out over both chat instances, exactly once per socket', async () => {
    const dir = tempDir();
    const json = join(dir, 'bench.json');
    const run = await runCli(['bench', '--only', 'fanout', '--receivers', '4', '--messages', '10', '--backends', 'none', '--json', json], 120_000);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.fanout).toHaveLength(1);
    const [fanout] = report.fanout;
    expect(fanout).toMatchObject({ backend: 'embedded', receivers: 4, messages: 10, duplicates: 0 });
    expect(Object.keys(fanout.perInstance).sort()).toEqual(['chat#1', 'chat#2']);
    expect(fanout.latencyMs.p99).toBeGreaterThanOrEqual(fanout.latencyMs.p50);
    expect(run.stderr).toMatch(/bus=embedded\s+p50/);
    expect(run.stdout).toContain('WebSocket fan-out');
  }, 150_000);
});

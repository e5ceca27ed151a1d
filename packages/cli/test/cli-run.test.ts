import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInScenarioDir } from '@topolab/scenarios';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './run-cli.js';
import { testDir } from '@topolab/test-support/files';

/** A temp dir outside the repo, removed after the test. */
const tempDir = () => testDir('cli-run');

const okScenario = `import { defineScenario, type ScenarioContext } from 'topolab';

export default defineScenario({
  name: 'tiny-ok',
  summary: 'One request without a token is refused by the gateway.',
  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.step('a request without a token is refused', async () => {
      ctx.expect(await ctx.gateway.get('/profile/me')).toHaveStatus(401, 'GATEWAY_UNAUTHENTICATED');
    });
    ctx.measure('answers', 1, 'req');
  },
});
`;

const failingScenario = `import { defineScenario } from 'topolab';

export default defineScenario({
  name: 'tiny-fail',
  summary: 'Expects a 200 where the gateway answers 401.',
  async run(ctx) {
    await ctx.step('the profile opens without a token', async () => {
      ctx.expect(await ctx.gateway.get('/profile/me')).toHaveStatus(200);
    });
    await ctx.step('this step never runs', () => undefined);
  },
});
`;

describe('topolab run', () => {
  it('runs a .ts scenario from outside the repo and exits 0, narrating the hops', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.scenario.ts'), okScenario);
    const run = await runCli(['run', join(dir, 'ok.scenario.ts')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('▶ tiny-ok  discovery client · auth remote');
    expect(run.stdout).toMatch(/✓ a request without a token is refused {2}dns#1 \(www\.topolab\.test → 127\.0\.0\.1\) → gateway#1 @127\.0\.0\.1 {2}[\d.]+ ms {2}401 GATEWAY_UNAUTHENTICATED/);
    expect(run.stdout).toMatch(/tiny-ok\s+client\/remote\s+answers\s+1 req/);
    expect(run.stdout).toContain('1 passed · 0 failed');
  });

  it('exits 1 on a failing scenario, names the failing step, and writes JUnit and JSON files', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fail.scenario.ts'), failingScenario);
    const junit = join(dir, 'reports', 'junit.xml');
    const json = join(dir, 'run.json');
    const run = await runCli(['run', join(dir, 'fail.scenario.ts'), '--reporter', 'plain', '--reporter', 'junit', '--reporter', 'json', '--output', junit, '--output', json]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ the profile opens without a token');
    expect(run.stdout).toContain('SCENARIO_ASSERTION_FAILED  Expected status 200, got 401 GATEWAY_UNAUTHENTICATED');
    expect(run.stdout).toContain(`at ${join(dir, 'fail.scenario.ts')}:8:`);
    expect(run.stdout).not.toContain('this step never runs');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testcase name="tiny-fail" classname="topolab.client.remote"');
    expect(xml).toContain('<failure message="step &quot;the profile opens without a token&quot;: SCENARIO_ASSERTION_FAILED');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { failed: number; scenarios: { steps: { requests: { hops: unknown[] }[] }[] }[] };
    expect(report.failed).toBe(1);
    expect(report.scenarios[0]?.steps[0]?.requests[0]?.hops.length).toBeGreaterThan(0);
  });

  it('writes JSON alone to stdout, keeps the data dir when asked, and skips a scenario that does not fit the modes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.scenario.ts'), okScenario);
    writeFileSync(join(dir, 'local.scenario.mjs'), "import { defineScenario } from 'topolab';\nexport default defineScenario({ name: 'local-only', summary: 'Local auth only.', modes: { auth: ['local'] }, run: async () => {} });\n");
    const run = await runCli(['run', join(dir, 'ok.scenario.ts'), join(dir, 'local.scenario.mjs'), '--reporter', 'json', '--keep-data']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { passed: number; skipped: number; scenarios: { name: string; status: string; dataDir?: string }[] };
    expect(report).toMatchObject({ passed: 1, skipped: 1 });
    expect(report.scenarios.map((scenario) => [scenario.name, scenario.status])).toEqual([['tiny-ok', 'passed'], ['local-only', 'skipped']]);
    const kept = report.scenarios[0]?.dataDir;
    expect(kept).toBeDefined();
    onTestFinished(() => rmSync(kept!, { recursive: true, force: true }));
    expect(existsSync(join(kept!, 'logs'))).toBe(true);
  });

  it.each([
    [['run', 'nope'], 'SCENARIO_NOT_FOUND'],
    [['run', './missing.scenario.ts'], 'SCENARIO_NOT_FOUND'],
    [['run', '--cache', 'memcached'], 'Allowed choices are embedded, redis'],
    [['run', '--reporter', 'fancy'], 'Expected one of pretty, plain, json, junit'],
    [['run', '--reporter', 'plain', '--reporter', 'junit'], 'CONFIG_INVALID'],
    [['run', '--output', 'x.json'], 'CONFIG_INVALID'],
    [['run', '--parallel', '0'], 'positive integer'],
  ])('exits 2 on the usage error %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('points at `topolab scenarios` when a name is unknown', async () => {
    const run = await runCli(['run', 'nope']);
    expect(run.stderr).toContain('topolab scenarios');
  });
});

describe('topolab scenarios', () => {
  const builtIns = existsSync(builtInScenarioDir) ? readdirSync(builtInScenarioDir).filter((name) => name.endsWith('.scenario.js')) : [];

  it('lists every built-in scenario with its modes and summary', async () => {
    const run = await runCli(['scenarios']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^NAME\s+MODES\s+SUMMARY/);
    const listed = await runCli(['scenarios', '--json']);
    const list = JSON.parse(listed.stdout) as { name: string; summary: string; combinations: unknown[] }[];
    expect(list).toHaveLength(builtIns.length);
    for (const entry of list) {
      expect(run.stdout).toContain(entry.name);
      expect(entry.combinations.length).toBeGreaterThan(0);
    }
  });
});

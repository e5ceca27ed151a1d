import { existsSync, readdirSync, rmSync } from 'node:fs';
import { serviceManifest } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { defineScenario, runScenarios, startTopology, runtimeError, type RunEvent, type RunScenariosOptions, type Scenario, type TopologyOptions } from '../src/index.js';
import { fixtureManifest } from './fixture-topology.js';
import { isAlive, killLeftovers, makeTempDir } from './helpers.js';

/** Runs scenarios on fixture topologies in a temp dir; returns the result, the events and every pid started. */
async function runFixture(scenarios: readonly Scenario[], options: Partial<RunScenariosOptions> = {}) {
  const tmpDir = makeTempDir('runner');
  const events: RunEvent[] = [];
  const pids = new Set<number>();
  const start = (topologyOptions: TopologyOptions) =>
    startTopology({
      ...topologyOptions,
      onEvent: (event) => {
        if (event.type === 'instance.state' && event.pid) pids.add(event.pid);
      },
    });
  onTestFinished(() => killLeftovers([...pids]));
  const result = await runScenarios({
    scenarios,
    tmpDir,
    // The fixture gateway speaks plain HTTP only.
    topologyDefaults: { manifest: fixtureManifest, graceMs: 500, tls: false },
    startTopology: start,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { result, events, pids, tmpDir };
}

const pings = defineScenario({
  name: 'pings',
  summary: 'Pings the gateway.',
  async run(ctx) {
    await ctx.step('ping the gateway', async () => {
      const answer = await ctx.gateway.get('/ping');
      ctx.expect(answer).toHaveStatus(200);
      ctx.note('pong');
    });
    ctx.measure('pings', 1, 'req');
  },
});

const failsAtSecondStep = defineScenario({
  name: 'fails-at-second-step',
  summary: 'Expects a 200 from a route that fails.',
  async run(ctx) {
    await ctx.step('ping', async () => ctx.expect((await ctx.gateway.get('/ping')).status).toBe(200));
    await ctx.step('the failing route answers 200', async () => ctx.expect(await ctx.gateway.get('/fail')).toHaveStatus(200));
    await ctx.step('never reached', () => undefined);
  },
});

describe('runScenarios on fixture topologies', () => {
  it('runs a passing scenario: steps with requests and hops, figures, events in order, topology stopped, data dir removed', async () => {
    const { result, events, pids, tmpDir } = await runFixture([pings]);
    expect(result).toMatchObject({ ok: true, passed: 1, failed: 0, skipped: 0 });
    const [run] = result.scenarios;
    expect(run).toMatchObject({ name: 'pings', status: 'passed', modes: { discovery: 'client', auth: 'remote' }, figures: [{ name: 'pings', value: 1, unit: 'req' }] });
    expect(run?.readyMs).toBeGreaterThan(0);
    const [step] = run?.steps ?? [];
    expect(step).toMatchObject({ title: 'ping the gateway', ok: true, notes: ['pong'] });
    expect(step?.requests).toHaveLength(1);
    expect(step?.requests[0]).toMatchObject({ method: 'GET', path: '/ping', status: 200 });
    expect(step?.requests[0]?.hops.map((hop) => hop.instanceId)).toEqual(['gateway#1']);
    expect(events.map((event) => event.type)).toEqual(['run.start', 'scenario.start', 'scenario.ready', 'step.start', 'step.end', 'measure', 'scenario.end', 'run.end']);
    expect(events[0]).toEqual({ type: 'run.start', total: 1, parallel: 1 });
    expect(pids.size).toBe(5);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(tmpDir)).toEqual([]);
    expect(run?.dataDir).toBeUndefined();
  });

  it('fails at the first failing step, names it, and runs no later step', async () => {
    const { result, events } = await runFixture([failsAtSecondStep]);
    expect(result).toMatchObject({ ok: false, passed: 0, failed: 1 });
    const [run] = result.scenarios;
    expect(run?.status).toBe('failed');
    expect(run?.steps.map((step) => [step.title, step.ok])).toEqual([['ping', true], ['the failing route answers 200', false]]);
    expect(run?.error).toMatchObject({ code: 'SCENARIO_ASSERTION_FAILED', step: 'the failing route answers 200' });
    expect(run?.error?.message).toContain('Expected status 200, got 500');
    expect(run?.error?.location).toContain('scenario-runner.test.ts');
    expect(events.filter((event) => event.type === 'step.start')).toHaveLength(2);
  });

  it('stops a scenario at its timeout, naming the step that was running', async () => {
    const sleeper = defineScenario({
      name: 'sleeper',
      summary: 'Sleeps past its timeout.',
      timeoutMs: 300,
      async run(ctx) {
        await ctx.step('sleep for a minute', () => ctx.sleep(60_000));
      },
    });
    const started = Date.now();
    const { result, pids } = await runFixture([sleeper]);
    expect(Date.now() - started).toBeLessThan(20_000);
    const [run] = result.scenarios;
    expect(run?.error).toMatchObject({ code: 'SCENARIO_TIMEOUT', step: 'sleep for a minute' });
    expect(run?.steps).toMatchObject([{ title: 'sleep for a minute', ok: false, error: { code: 'SCENARIO_TIMEOUT' } }]);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('skips a scenario whose modes do not fit, without starting a topology', async () => {
    const localOnly = defineScenario({ name: 'local-only', summary: 'Needs local auth.', modes: { auth: ['local'] }, run: async () => undefined });
    const { result, events, pids } = await runFixture([localOnly]);
    expect(result).toMatchObject({ ok: true, passed: 0, failed: 0, skipped: 1 });
    expect(result.scenarios[0]).toMatchObject({ status: 'skipped', ok: true });
    expect(result.scenarios[0]?.skipReason).toContain('auth remote');
    expect(events.map((event) => event.type)).toEqual(['run.start', 'scenario.end', 'run.end']);
    expect(pids.size).toBe(0);
  });

  it('keeps the data dir when asked and reports where it is', async () => {
    const { result } = await runFixture([pings], { keepData: true, modes: { auth: 'local' } });
    const dataDir = result.scenarios[0]?.dataDir;
    expect(dataDir).toBeDefined();
    onTestFinished(() => rmSync(dataDir!, { recursive: true, force: true }));
    expect(existsSync(`${dataDir}/logs/gateway-1.log`)).toBe(true);
    expect(result.scenarios[0]?.modes).toEqual({ discovery: 'client', auth: 'local' });
  });

  it('skips the rest after a failure with bail, and runs in parallel keeping the planned order', async () => {
    const bailed = await runFixture([failsAtSecondStep, pings], { bail: true });
    expect(bailed.result.scenarios.map((run) => run.status)).toEqual(['failed', 'skipped']);
    expect(bailed.result.scenarios[1]?.skipReason).toContain('bail');

    const parallel = await runFixture([failsAtSecondStep, pings], { parallel: 2 });
    expect(parallel.result.scenarios.map((run) => [run.name, run.status])).toEqual([['fails-at-second-step', 'failed'], ['pings', 'passed']]);
    expect(parallel.events[0]).toEqual({ type: 'run.start', total: 2, parallel: 2 });
    expect(parallel.events.filter((event) => event.type === 'scenario.start')).toHaveLength(2);
  });

  it('hands the topology a passing run left unchanged to the next run of its shape; a change, a failure or a fresh scenario ends it', async () => {
    const named = (name: string, extra: Partial<Parameters<typeof defineScenario>[0]> = {}) =>
      defineScenario({ name, summary: 'Pings the gateway.', run: (ctx) => ctx.step('ping', async () => ctx.expect(await ctx.gateway.get('/ping')).toHaveStatus(200)), ...extra });
    const kills = named('kills', { run: (ctx) => ctx.step('kill the gateway', () => ctx.topology.kill('gateway#1')) });
    const ownTopology = named('own-topology', { topology: { fresh: true } });
    const otherShape = named('other-shape', { topology: { replicas: { gateway: 2 } } });
    const { result, events, pids, tmpDir } = await runFixture([named('first'), named('second'), kills, named('after-kill'), otherShape, ownTopology, named('after-own'), failsAtSecondStep, named('after-failure')]);
    expect(result.scenarios.map((run) => [run.name, run.status, run.reusedTopology ?? false])).toEqual([
      ['first', 'passed', false],
      ['second', 'passed', true],
      // Reused, but the kill changed it: stopped afterwards.
      ['kills', 'passed', true],
      ['after-kill', 'passed', false],
      // Another shape runs after every run of the first shape (runs are grouped by shape); results stay in plan order.
      ['other-shape', 'passed', false],
      ['own-topology', 'passed', false],
      ['after-own', 'passed', true],
      ['fails-at-second-step', 'failed', true],
      ['after-failure', 'passed', false],
    ]);
    const readies = events.flatMap((event) => (event.type === 'scenario.ready' ? [[event.name, event.reused ?? false]] : []));
    expect(readies.map(([name]) => name)).toEqual(['first', 'second', 'kills', 'after-kill', 'own-topology', 'after-own', 'fails-at-second-step', 'after-failure', 'other-shape']);
    // Four topologies of the first shape (first, after-kill, own-topology, after-failure) and one of the other: 5 + 5 + 5 + 5 + 6 instances.
    expect(pids.size).toBe(26);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('reports a topology that fails to start as a failed scenario, and a throw outside steps', async () => {
    const tmpDir = makeTempDir('runner');
    const result = await runScenarios({
      scenarios: [pings],
      tmpDir,
      startTopology: () => Promise.reject(runtimeError('SUPERVISOR_START_TIMEOUT', { lastLines: ['listening failed'] })),
    });
    expect(result.scenarios[0]?.error).toMatchObject({ code: 'SUPERVISOR_START_TIMEOUT', lastLines: ['listening failed'] });
    expect(readdirSync(tmpDir)).toEqual([]);

    const throwsOutside = defineScenario({ name: 'throws-outside', summary: 'Throws between steps.', run: async () => { throw new RangeError('between steps'); } });
    const outside = await runFixture([throwsOutside]);
    expect(outside.result.scenarios[0]?.error).toMatchObject({ code: 'RangeError', message: 'between steps' });
    expect(outside.result.scenarios[0]?.error?.step).toBeUndefined();
  });

  it('skips a run whose backends need a program that is not installed, and runs it (to fail) with requirePrograms', async () => {
    const redis = serviceManifest.find((spec) => spec.name === 'redis')!;
    const manifest = [...fixtureManifest, { ...redis, program: { ...redis.program!, binary: 'topolab-no-such-program' } }];
    const start = vi.fn(() => Promise.reject(runtimeError('SUPERVISOR_START_TIMEOUT', { lastLines: [] })));
    const options = { scenarios: [pings], tmpDir: makeTempDir('runner'), backends: { cache: 'redis' as const }, topologyDefaults: { manifest }, startTopology: start };
    const skipped = await runScenarios(options);
    expect(skipped).toMatchObject({ passed: 0, failed: 0, skipped: 1 });
    expect(skipped.scenarios[0]?.skipReason).toContain('topolab-no-such-program');
    expect(start).not.toHaveBeenCalled();
    const required = await runScenarios({ ...options, requirePrograms: true });
    expect(required).toMatchObject({ passed: 0, failed: 1, skipped: 0 });
    expect(start).toHaveBeenCalledOnce();
  });
});

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineScenario, runScenarios, type RunEvent } from '../src/index.js';
import type { ScenarioUser } from '../src/scenarios/index.js';
import { makeTempDir } from './helpers.js';
import './real-topology.js';

describe('a scenario context over the real topology', () => {
  it('signs users up through the gateway with phone codes, records hops, drives faults, and never reports a secret', async () => {
    const secrets: string[] = [];
    const keep = (user: ScenarioUser) => secrets.push(user.password, user.accessToken, user.refreshToken);
    const story = defineScenario({
      name: 'context-story',
      summary: 'Exercises every part of the context once.',
      modes: { auth: ['local'] },
      async run(ctx) {
        const ada = await ctx.step('ada signs up', () => ctx.users.signUp({ firstName: 'Ada' }));
        keep(ada);
        await ctx.step('ada reads her identity with the token', async () => {
          const me = await ctx.gateway.get<{ userId: string }>('/auth/me', { token: ada.accessToken });
          ctx.expect(me).toHaveStatus(200);
          ctx.expect(me.body.userId).toBe(ada.userId);
          ctx.note(`token ${ada.accessToken} password ${ada.password}`);
        });
        await ctx.step('a logged-in user can log in again, reading the code from the phone', async () => {
          const again = await ctx.users.logIn(ada);
          secrets.push(again.accessToken, again.refreshToken);
          const code = await ctx.phone.lastCode(ada.phone);
          secrets.push(code);
          ctx.expect(code).toMatch(/^\d{6}$/);
          ctx.expect((await ctx.phone.messages(ada.phone)).length).toBeGreaterThanOrEqual(3);
        });
        await ctx.step(`profile#2 dies and the registry drops it`, async () => {
          ctx.expect(await ctx.topology.registered('profile')).toEqual(['profile#1', 'profile#2']);
          const killed = Date.now();
          await ctx.topology.kill('profile#2');
          await ctx.waitFor(async () => !(await ctx.topology.registered('profile')).includes('profile#2'), { timeout: 5000, message: 'the registry to evict profile#2' });
          ctx.measure('eviction', Date.now() - killed, 'ms');
          ctx.expect(ctx.topology.instances().find((instance) => instance.id === 'profile#2')?.state).not.toBe('ready');
        });
        await ctx.step('waitFor names what it waited for', async () => {
          const error = await ctx.waitFor(() => false, { timeout: 50, message: 'pigs to fly' }).catch((caught: unknown) => caught);
          ctx.expect((error as { code?: string }).code).toBe('SCENARIO_WAIT_TIMEOUT');
          ctx.expect((error as Error).message).toContain('pigs to fly');
        });
      },
    });
    const events: RunEvent[] = [];
    const tmpDir = makeTempDir('context');
    const result = await runScenarios({ scenarios: [story], modes: { auth: 'local' }, tmpDir, onEvent: (event) => events.push(event) });
    const [run] = result.scenarios;
    expect(run?.error).toBeUndefined();
    expect(run?.status).toBe('passed');
    const [signUp, me] = run?.steps ?? [];
    expect(signUp?.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      'POST /auth/register 201',
      'POST /auth/verify 200',
      'POST /auth/login 202',
      'POST /auth/login/verify 200',
    ]);
    // The first request by name starts with the lookup at dns#1 (its span joined the trace through EDNS).
    expect(signUp?.requests[0]?.hops.map((hop) => hop.service)).toEqual(['dns', 'gateway', 'auth', 'sms']);
    expect(signUp?.requests[0]?.hops[2]?.address).toMatch(/^127\.0\.\d+\.\d+:\d+$/);
    expect(me?.requests[0]?.hops.find((hop) => hop.service === 'gateway')?.attributes.cache).toMatch(/^(hit|miss)$/);
    expect(me?.notes).toEqual(['token ‹secret› password ‹secret›']);
    expect(run?.steps[3]?.notes.join('\n')).toContain('kill profile#2');
    expect(run?.figures.map((figure) => figure.name)).toEqual(['eviction']);
    expect(readdirSync(tmpDir)).toEqual([]);

    const everything = JSON.stringify({ result, events });
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) expect(everything.includes(secret), 'a secret reached the report').toBe(false);
  });
});

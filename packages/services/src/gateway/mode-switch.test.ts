import type { ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { modesSetCommand, type DiscoveryModeName, type GatewayAuthModeName } from '../contract/modes.js';
import type { RouteEntry } from '../contract/registry-api.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createGatewayApp } from './app.js';
import type { AuthMode } from './auth/auth-mode.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import type { DiscoveryMode } from './discovery/discovery-mode.js';
import { createModeSwitch, type ModeBuilders } from './mode-switch.js';
import { createModes } from './modes.js';
import { buildCatalog, createFixedCatalog, send, startTestServer, type FixedCatalog, type TestResponse } from '#test-support/gateway.js';
import { testIdentityKey } from '#test-support/kit-identity.js';
import { createIdentityMinter } from './identity-minter.js';

const routes: RouteEntry[] = [{ prefix: '/profile', access: 'public', service: 'profile' }];

/** A client discovery under any name, whose close() is observable. */
function spyDiscovery(catalog: FixedCatalog, name: DiscoveryModeName = 'client'): DiscoveryMode & { closed: () => boolean } {
  const inner = createClientDiscovery({ catalog });
  const close = vi.fn(() => inner.close());
  return { name, pick: (route, exclude) => inner.pick(route, exclude), refused: (upstream) => inner.refused(upstream), close, closed: () => close.mock.calls.length > 0 };
}

function fakeAuth(name: GatewayAuthModeName = 'remote'): AuthMode & { closed: () => boolean } {
  const close = vi.fn();
  return { name, check: async () => ({ active: false }), close, closed: () => close.mock.calls.length > 0 };
}

/** A gateway built in-process whose profile upstream holds every answer until the test releases it. */
async function setup(build?: Partial<ModeBuilders>, drainMs?: number, noAuth?: boolean) {
  const held: ServerResponse[] = [];
  const upstream = await startTestServer('profile#1', '127.0.0.1', (record, res) => {
    res.setHeader('x-path', record.url);
    held.push(res);
  });
  onTestFinished(() => upstream.close());
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: [upstream] }));
  const startDiscovery = spyDiscovery(catalog);
  const startAuth = fakeAuth();
  const modes = createModes({ discovery: startDiscovery, auth: startAuth });
  const recorded = recordTelemetry('gateway', { level: 'error' });
  const built: (DiscoveryMode | AuthMode)[] = [];
  const modeSwitch = createModeSwitch({
    modes,
    telemetry: recorded.telemetry,
    drainMs,
    noAuth,
    build: {
      discovery: build?.discovery ?? ((name) => (built.push(spyDiscovery(catalog, name)), built.at(-1) as DiscoveryMode)),
      auth: build?.auth ?? ((name) => (built.push(fakeAuth(name)), built.at(-1) as AuthMode)),
    },
  });
  const server = createGatewayApp({ config: { bodyLimit: 1024, upstreamTimeoutMs: 10_000 }, telemetry: recorded.telemetry, catalog, modes, identity: createIdentityMinter({ privateKey: testIdentityKey.privateJwk }) });
  modeSwitch.track(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  onTestFinished(async () => {
    modeSwitch.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  const port = (server.address() as { port: number }).port;
  /** Answers the held request for `path` with 200. */
  const release = (path: string) => {
    const res = held.find((candidate) => candidate.getHeader('x-path') === path);
    res?.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  };
  const isHeld = (path: string) => held.some((res) => res.getHeader('x-path') === path);
  return { port, modes, modeSwitch, startDiscovery, startAuth, built, recorded, release, isHeld };
}

describe('the gateway mode switch', () => {
  it('switches live: a request in flight finishes on the old mode, which is closed only afterwards', async () => {
    const { port, modes, modeSwitch, startDiscovery, startAuth, built, recorded, release, isHeld } = await setup();
    const first: Promise<TestResponse> = send(port, '/profile/first');
    await expect.poll(() => isHeld('/profile/first'), { message: 'the first request upstream' }).toBeTruthy();

    expect(await modeSwitch.onCommand(modesSetCommand, { discovery: 'server' })).toEqual({ discovery: 'server', auth: 'remote' });
    expect(modes.current().discovery).toBe(built[0]);
    expect(startDiscovery.closed()).toBe(false);

    const second = send(port, '/profile/second');
    await expect.poll(() => isHeld('/profile/second'), { message: 'the second request upstream' }).toBeTruthy();
    release('/profile/second');
    expect((await second).status).toBe(200);
    expect(startDiscovery.closed()).toBe(false);

    release('/profile/first');
    expect((await first).status).toBe(200);
    await expect.poll(() => startDiscovery.closed(), { message: 'the replaced discovery mode to close' }).toBeTruthy();
    expect(startAuth.closed()).toBe(false);

    await expect.poll(() => recorded.spans().length >= 2, { message: 'both spans' }).toBeTruthy();
    const byPath = Object.fromEntries(recorded.spans().map((span) => [span.name, span.attributes?.discovery]));
    expect(byPath).toMatchObject({ 'GET /profile/first': 'client', 'GET /profile/second': 'server' });
    expect(recorded.events()).toContainEqual({ name: 'gateway.modes', data: { discovery: 'server', auth: 'remote' } });
  });

  it('closes an idle replaced mode at once and leaves a mode asked for again untouched', async () => {
    const { modeSwitch, startAuth, built, recorded } = await setup();
    expect(modeSwitch.set({ auth: 'local' })).toEqual({ discovery: 'client', auth: 'local' });
    expect(startAuth.closed()).toBe(true);
    expect(modeSwitch.set({ discovery: 'client', auth: 'local' })).toEqual({ discovery: 'client', auth: 'local' });
    expect(built).toHaveLength(1);
    expect(recorded.events().filter((event) => event.name === 'gateway.modes')).toHaveLength(1);
  });

  it('refuses a mode that cannot be built, switching nothing and serving on', async () => {
    const notBuilt = () => {
      throw new Error('server discovery is not built yet');
    };
    const { port, modes, modeSwitch, startDiscovery, startAuth, release, isHeld } = await setup({ discovery: notBuilt });
    const before = modes.current();
    expect(() => modeSwitch.onCommand(modesSetCommand, { discovery: 'server', auth: 'local' })).toThrow(/not built yet/);
    expect(modes.current()).toBe(before);
    expect(startDiscovery.closed()).toBe(false);
    expect(startAuth.closed()).toBe(false);

    const answer = send(port, '/profile/after');
    await expect.poll(() => isHeld('/profile/after'), { message: 'the request upstream' }).toBeTruthy();
    release('/profile/after');
    expect((await answer).status).toBe(200);
  });

  it('drops the first mode it built when the second cannot be built (both or neither)', async () => {
    const built: DiscoveryMode[] = [];
    const { modes, modeSwitch } = await setup({
      discovery: (name) => {
        const mode = { name, pick: () => undefined, refused: () => undefined, close: vi.fn() };
        built.push(mode);
        return mode;
      },
      auth: () => {
        throw new Error('sidecar auth is not built yet');
      },
    });
    expect(() => modeSwitch.set({ discovery: 'server', auth: 'sidecar' })).toThrow(/sidecar/);
    expect(built[0]!.close).toHaveBeenCalledOnce();
    expect(modes.current()).toMatchObject({ discovery: { name: 'client' }, auth: { name: 'remote' } });
  });

  it('refuses unknown mode names and unknown commands', async () => {
    const { modeSwitch, modes } = await setup();
    const before = modes.current();
    expect(() => modeSwitch.onCommand(modesSetCommand, { discovery: 'dns' })).toThrow(/client, server/);
    expect(() => modeSwitch.onCommand(modesSetCommand, { auth: 42 })).toThrow(/remote, local, global, sidecar/);
    expect(() => modeSwitch.onCommand('modes.reset', {})).toThrow(/modes\.reset/);
    expect(modes.current()).toBe(before);
  });

  it('knows the bench-only auth mode none only with the opt-in', async () => {
    const refusing = await setup();
    expect(() => refusing.modeSwitch.onCommand(modesSetCommand, { auth: 'none' })).toThrow(/unknown auth mode "none"/);
    expect(refusing.built).toHaveLength(0);
    const optedIn = await setup(undefined, undefined, true);
    expect(await optedIn.modeSwitch.onCommand(modesSetCommand, { auth: 'none' })).toEqual({ discovery: 'client', auth: 'none' });
    expect(optedIn.modes.current().auth.name).toBe('none');
  });

  it('closes a replaced mode after the drain limit even while a request hangs', async () => {
    const { port, modeSwitch, startDiscovery, release, isHeld } = await setup(undefined, 50);
    const hanging = send(port, '/profile/hanging');
    await expect.poll(() => isHeld('/profile/hanging'), { message: 'the request upstream' }).toBeTruthy();
    modeSwitch.set({ discovery: 'server' });
    await expect.poll(() => startDiscovery.closed(), { message: 'the drain limit' }).toBeTruthy();
    release('/profile/hanging');
    expect((await hanging).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authModeNames, discoveryModeNames, sendHttpRequest, type GatewayClient, type GatewayResponse, type Topology, type TopologyModes } from '../src/index.js';
import {
  answersOn,
  createGatewayClients,
  errorCode,
  expectUnsampledRequestUnrecorded,
  hopsOfResponse,
  signUp,
  signUpWithProfile,
  startRealTopology,
  type RealTopology,
  type SignedUpUser,
} from './real-topology.js';

/** Every discovery × auth combination, discovery first. */
const combinations: TopologyModes[] = discoveryModeNames.flatMap((discovery) => authModeNames.map((auth) => ({ discovery, auth })));

// Every step changes both modes, and each of the 8 combinations comes once (the start, client · remote, comes back too).
const switchPlan: TopologyModes[] = [
  { discovery: 'server', auth: 'sidecar' },
  { discovery: 'client', auth: 'local' },
  { discovery: 'server', auth: 'global' },
  { discovery: 'client', auth: 'remote' },
  { discovery: 'server', auth: 'local' },
  { discovery: 'client', auth: 'sidecar' },
  { discovery: 'server', auth: 'remote' },
  { discovery: 'client', auth: 'global' },
];

/**
 * The server hops of a GET /profile/me through gateway #n whose token the mode has already seen:
 * the auth hop of the mode (none for `local`: a cached verdict), the lb in server discovery, a profile instance.
 */
function expectedPath(modes: TopologyModes, gatewayIndex: number): string[] {
  const authHops = { remote: ['auth#1'], local: [], global: ['cache#1'], sidecar: [`sidecar#${gatewayIndex}`] }[modes.auth];
  return [`gateway#${gatewayIndex}`, ...authHops, ...(modes.discovery === 'server' ? ['lb#1'] : []), 'profile'];
}

const readMe = (gateway: GatewayClient, token: string) => gateway.request<{ profile?: { userId?: string } }>({ method: 'GET', path: '/profile/me', token });

/** GET /profile/me on every gateway answers 200 with the user's own profile; returns the answers by gateway. */
async function expectOwnProfileEverywhere(gateways: readonly GatewayClient[], user: SignedUpUser): Promise<GatewayResponse[]> {
  const answers: GatewayResponse[] = [];
  for (const [i, gateway] of gateways.entries()) {
    const me = await readMe(gateway, user.accessToken);
    expect([me.status, errorCode(me.body)], `GET /profile/me on gateway#${i + 1}`).toEqual([200, undefined]);
    expect(me.body.profile?.userId, `the profile gateway#${i + 1} returned`).toBe(user.userId);
    answers.push(me);
  }
  return answers;
}

/**
 * A GET through each gateway took the path of `modes`, and the gateway's span names the modes.
 * A mode may still be warming up (a first bus connection clears the local verdicts, a sidecar
 * fills its cache): a GET that took a longer path is followed by another, for up to 3 s.
 */
async function expectPathsOf(topology: Topology, gateways: readonly GatewayClient[], user: SignedUpUser, modes: TopologyModes): Promise<void> {
  const pathOf = (response: GatewayResponse) => hopsOfResponse(topology, response).map((hop) => (hop.service === 'profile' ? 'profile' : hop.instanceId));
  for (const [i, gateway] of gateways.entries()) {
    const expected = expectedPath(modes, i + 1);
    const tookExpectedPath = (response: GatewayResponse) => vi.waitFor(() => expect(JSON.stringify(pathOf(response)) === JSON.stringify(expected)).toBeTruthy(), { timeout: 300, interval: 10 }).then(() => true, () => false);
    const deadline = Date.now() + 3000;
    let me = await readMe(gateway, user.accessToken);
    while (Date.now() < deadline && !(await tookExpectedPath(me))) me = await readMe(gateway, user.accessToken);
    expect(me.status).toBe(200);
    await expect.poll(() => pathOf(me), { timeout: 2000, interval: 20, message: `hops through gateway#${i + 1}` }).toEqual(expected);
    expect(hopsOfResponse(topology, me)[0]!.attributes).toMatchObject({ discovery: modes.discovery, auth: modes.auth });
  }
}

const answersFor = (gateways: readonly GatewayClient[], token: string) => answersOn(gateways, { method: 'GET', path: '/profile/me', token });

describe.each(combinations)('discovery $discovery · auth $auth, started in that mode', (modes) => {
  let real: RealTopology | undefined;
  let gateways: GatewayClient[] = [];
  beforeAll(async () => {
    real = await startRealTopology({ prefix: `matrix-${modes.discovery}-${modes.auth}`, modes, replicas: { gateway: 2 } });
    gateways = createGatewayClients(real.topology);
  });
  afterAll(async () => {
    for (const gateway of gateways) gateway.close();
    await real?.stop();
  });

  it('runs sign-up, 2FA login, profile on both gateways, and logout refused on both', async () => {
    const topology = real!.topology;
    expect(topology.modes()).toEqual(modes);
    expect(gateways).toHaveLength(2);
    for (const url of topology.gatewayUrls) {
      const health = await sendHttpRequest({ url: `${url}/health`, timeoutMs: 2000 });
      expect(health.body, `${url}/health`).toMatchObject(modes);
    }

    const user = await signUpWithProfile(topology, gateways[0]!, `Matrix ${modes.discovery} ${modes.auth}`);
    await expectOwnProfileEverywhere(gateways, user);
    await expectPathsOf(topology, gateways, user, modes);
    await expectUnsampledRequestUnrecorded(topology, gateways[0]!, user.accessToken, '/profile/me', expectedPath(modes, 1).length);

    const logout = await gateways[0]!.request({ method: 'POST', path: '/auth/logout', token: user.accessToken, body: { refreshToken: user.refreshToken } });
    expect(logout.status).toBe(204);
    const refused: [number, string | undefined][] = [
      [401, 'GATEWAY_TOKEN_INVALID'],
      [401, 'GATEWAY_TOKEN_INVALID'],
    ];
    // remote asks auth and global reads the state auth wrote before answering: refused at once.
    // local and sidecar learn it from the bus push (the latency target is measured by bench/modes.mjs).
    if (modes.auth === 'local' || modes.auth === 'sidecar') {
      await expect.poll(async () => (await answersFor(gateways, user.accessToken)).every(([status]) => status === 401), { timeout: 1000, message: 'the logged-out token refused on both gateways' }).toBeTruthy();
    }
    expect(await answersFor(gateways, user.accessToken)).toEqual(refused);
  });
});

describe('switching a running topology through every combination', () => {
  let real: RealTopology | undefined;
  let gateways: GatewayClient[] = [];
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'matrix-switch', replicas: { gateway: 2 } });
    gateways = createGatewayClients(real.topology);
  });
  afterAll(async () => {
    for (const gateway of gateways) gateway.close();
    await real?.stop();
  });

  it('serves GET /profile/me on both gateways after each live switch', async () => {
    const topology = real!.topology;
    const user = await signUp(topology, gateways[0]!);
    const created = await gateways[1]!.request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName: 'Switch' } });
    expect(created.status).toBe(201);
    const startPid = topology.instances().filter((instance) => instance.service === 'gateway').map((instance) => instance.pid);

    expect(new Set(switchPlan.map((modes) => `${modes.discovery}/${modes.auth}`)).size).toBe(combinations.length);
    for (const modes of switchPlan) {
      expect(await topology.setModes(modes)).toEqual(modes);
      const first = await expectOwnProfileEverywhere(gateways, user);
      // In force from the first request after setModes resolved.
      for (const me of first) {
        await expect.poll(() => hopsOfResponse(topology, me)[0]?.attributes, { timeout: 2000, interval: 20 }).toMatchObject({ discovery: modes.discovery, auth: modes.auth });
      }
      await expectPathsOf(topology, gateways, user, modes);
    }
    // Switched in place: the same gateway processes served throughout.
    expect(topology.instances().filter((instance) => instance.service === 'gateway').map((instance) => instance.pid)).toEqual(startPid);
  });
});

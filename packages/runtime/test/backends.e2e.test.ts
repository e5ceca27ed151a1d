import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tokenStateKey, redisKeys } from '@topolab/services/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatHttpUrl, type InstanceView } from '../src/topology/index.js';
import { nginxConfigPath, redisSecretsDir } from '../src/backends/index.js';
import { sendHttpRequest } from '../src/index.js';
import { stallUpload } from '../src/bench/index.js';
import { isAlive, programFor } from './helpers.js';
import { catalogInstanceIds, createEventLog, expectUnsampledRequestUnrecorded, hopsOfResponse, signUp, signUpWithProfile, startRealTopology, type RealTopology } from './real-topology.js';

const redisServer = programFor('redis-server');
const nginx = programFor('nginx');

const resp = (args: readonly string[]) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/** One RESP command on a fresh connection, authenticated as auth (the default user is off); the raw reply. */
function redisCommand(real: RealTopology, ...args: string[]): Promise<string> {
  const { host, port } = instanceOf(real, 'redis#1');
  const password = readFileSync(join(redisSecretsDir(real.dataDir), 'auth.password'), 'utf8');
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer')));
    socket.once('connect', () => socket.write(resp(['AUTH', 'auth', password]) + resp(args)));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.length < 5) return;
      if (!reply.startsWith('+OK\r\n')) {
        socket.destroy();
        reject(new Error(`AUTH failed: ${reply.split('\r\n')[0]}`));
      } else if (reply.length > 5 && reply.endsWith('\r\n')) {
        socket.end();
        resolve(reply.slice(5));
      }
    });
    socket.once('error', reject);
  });
}

/** POSTs `body` with Transfer-Encoding: chunked (no Content-Length), in two chunks; resolves with the status. */
function sendChunked(url: string, body: Buffer): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));
    req.end(body.subarray(half));
  });
}

function instanceOf(real: RealTopology, id: string): InstanceView {
  const found = real.topology.instances().find((instance) => instance.id === id);
  if (!found) throw new Error(`no instance ${id}`);
  return found;
}

describe.skipIf(!redisServer)('--cache redis --bus redis: a supervised redis-server is the global cache and the bus', () => {
  let real: RealTopology;
  const events = createEventLog();
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'redis', modes: { auth: 'global' }, backends: { cache: 'redis', bus: 'redis' }, onEvent: events.listener });
  });
  afterAll(() => real?.stop());

  it('runs redis#1 like any instance, on its own loopback address, instead of the embedded cache and bus', () => {
    const ids = real.topology.instances().map((instance) => instance.id);
    expect(ids).toContain('redis#1');
    expect(ids).not.toContain('cache#1');
    expect(ids).not.toContain('bus#1');
    const redis = instanceOf(real, 'redis#1');
    expect(redis).toMatchObject({ state: 'ready', host: '127.0.11.1', registers: false, registered: undefined });
    expect(redis.pid).toBeGreaterThan(0);
    expect(redis.port).toBeGreaterThan(0);
  });

  it('serves the global cache on Redis: auth writes the token state, the gateway reads it (hop gateway#1 → redis#1), and a logout is refused at once', async () => {
    const user = await signUpWithProfile(real.topology, real.gateway);
    const read = await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken });
    expect(read.status).toBe(200);
    // Spans arrive from each process on its own: wait for the gateway's as well as the Redis hop.
    await expect.poll(() => ['gateway#1', 'redis#1'].every((id) => hopsOfResponse(real.topology, read).some((hop) => hop.instanceId === id)), { message: 'the gateway and redis hops of the read' }).toBeTruthy();
    const hops = hopsOfResponse(real.topology, read).map((hop) => hop.instanceId);
    expect(hops[0]).toBe('gateway#1');
    expect(hops).toContain('redis#1');
    const jti = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(await redisCommand(real, 'GET', redisKeys.cache(tokenStateKey(jti)))).toContain('"active":true');
    expect((await real.gateway.request({ method: 'POST', path: '/auth/logout', token: user.accessToken })).status).toBe(204);
    expect(await redisCommand(real, 'GET', redisKeys.cache(tokenStateKey(jti)))).toContain('"active":false');
    expect((await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken })).status).toBe(401);
  });

  it('carries revocations on a Redis stream (ids 0-<seq>) that local-mode gateways follow', async () => {
    await real.topology.setModes({ auth: 'local' });
    const user = await signUp(real.topology, real.gateway);
    expect((await real.gateway.request({ method: 'GET', path: '/auth/me', token: user.accessToken })).status).toBe(200);
    expect((await real.gateway.request({ method: 'POST', path: '/auth/logout', token: user.accessToken })).status).toBe(204);
    expect(await redisCommand(real, 'XREVRANGE', redisKeys.busStream('token.revoked'), '+', '-', 'COUNT', '1')).toMatch(/^\*1\r\n\*2\r\n\$\d+\r\n0-[1-9]/);
    await expect.poll(async () => (await real.gateway.request({ method: 'GET', path: '/auth/me', token: user.accessToken })).status === 401, { message: 'the local cache to drop the revoked token' }).toBeTruthy();
    await real.topology.setModes({ auth: 'global' });
  });

  it('kills, restarts (same address, new pid) and pauses redis#1, and refuses to make it a zombie', async () => {
    const before = instanceOf(real, 'redis#1');
    await expect(real.topology.fault('zombie', 'redis#1')).rejects.toMatchObject({ code: 'TOPOLOGY_FAULT_UNSUPPORTED', exitCode: 2 });
    await real.topology.fault('kill', 'redis#1');
    expect(isAlive(before.pid!)).toBe(false);
    expect(instanceOf(real, 'redis#1').state).toBe('crashed');
    // The global cache is gone: the gateway asks auth instead, and says so.
    const user = await signUp(real.topology, real.gateway);
    expect((await real.gateway.request({ method: 'GET', path: '/auth/me', token: user.accessToken })).status).toBe(200);
    await real.topology.fault('restart', 'redis#1');
    const after = instanceOf(real, 'redis#1');
    expect(after).toMatchObject({ state: 'ready', host: before.host, port: before.port });
    expect(after.pid).not.toBe(before.pid);
    await real.topology.fault('pause', 'redis#1');
    expect(instanceOf(real, 'redis#1').state).toBe('paused');
    await real.topology.fault('resume', 'redis#1');
    expect(instanceOf(real, 'redis#1').state).toBe('ready');
    expect(events.named('gateway.auth.degraded').length).toBeGreaterThan(0);
  });
});

describe.skipIf(!nginx)('--discovery server --lb nginx: a real nginx routes by the registry', () => {
  let real: RealTopology;
  const events = createEventLog();
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'nginx', modes: { discovery: 'server' }, backends: { lb: 'nginx' }, replicas: { profile: 3 }, onEvent: events.listener });
  });
  afterAll(() => real?.stop());

  it('runs nginx#1 (registered by nginx-sync as an lb instance) instead of lb#1, and routes through it: gateway#1 → nginx#1 → profile', async () => {
    const ids = real.topology.instances().map((instance) => instance.id);
    expect(ids).toEqual(expect.arrayContaining(['nginx#1', 'nginx-sync#1']));
    expect(ids).not.toContain('lb#1');
    expect(instanceOf(real, 'nginx#1')).toMatchObject({ state: 'ready', host: '127.0.12.1', registers: true });
    expect(await catalogInstanceIds(real.topology)).toContain('nginx#1');
    const user = await signUpWithProfile(real.topology, real.gateway);
    const read = await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken });
    expect(read.status).toBe(200);
    await expect.poll(() => hopsOfResponse(real.topology, read).length >= 4, { message: 'four hops' }).toBeTruthy();
    const hops = hopsOfResponse(real.topology, read);
    // remote auth: the gateway asks auth itself (service to service), then hands the request to nginx.
    expect(hops.map((hop) => hop.instanceId.split('#')[0])).toEqual(['gateway', 'auth', 'nginx', 'profile']);
    expect(hops[2]).toMatchObject({ instanceId: 'nginx#1', attributes: { route: '/profile', service: 'profile' } });
    // nginx passes the cleared sampled flag on (trace-flags 00) and logs no span of it.
    await expectUnsampledRequestUnrecorded(real.topology, real.gateway, user.accessToken, '/profile/me', 4);
  });

  it('answers as the embedded lb does: internal routes and unknown paths are LB_ROUTE_NOT_FOUND', async () => {
    const nginxInstance = instanceOf(real, 'nginx#1');
    const base = formatHttpUrl(nginxInstance.host, nginxInstance.port);
    const internal = await sendHttpRequest({ url: `${base}/auth/internal/introspect`, method: 'POST', body: {}, timeoutMs: 2000 });
    expect(internal.status).toBe(404);
    expect(internal.body).toMatchObject({ error: { code: 'LB_ROUTE_NOT_FOUND' } });
    expect((await sendHttpRequest({ url: `${base}/nowhere`, timeoutMs: 2000 })).body).toMatchObject({ error: { code: 'LB_ROUTE_NOT_FOUND' } });
  });

  it('cuts off clients that stop sending their bodies (client_body_timeout) before any upstream hears of them, and keeps serving', async () => {
    // nginx reads a whole body before it picks an upstream (proxy_request_buffering), so a stalled client never counts toward max_fails.
    const config = readFileSync(nginxConfigPath(join(real.dataDir, 'nginx')), 'utf8');
    expect(config).toContain(`client_body_timeout ${real.topology.timings.clientBodyTimeoutMs}ms;`);
    expect(config).toContain('proxy_request_buffering on;');
    const nginxInstance = instanceOf(real, 'nginx#1');
    // 4 KiB of a declared 12 KiB: within nginx's in-memory body buffer (16 KiB; a chunked or larger body goes to a temp file).
    const traceIds = Array.from({ length: 5 }, () => randomBytes(16).toString('hex'));
    const stalled = await Promise.all(
      traceIds.map((traceId) =>
        stallUpload(formatHttpUrl(nginxInstance.host, nginxInstance.port), { path: '/auth/register', bytes: 4 * 1024, contentLength: 12 * 1024, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } }),
      ),
    );
    // RFC 9110 §15.5.9: nginx logs 408 and closes the connection (it sends no answer to a timed-out read).
    for (const upload of stalled) {
      expect([0, 408]).toContain(upload.status);
      expect(upload.serverClosed).toBe(true);
    }
    await expect.poll(() => traceIds.every((traceId) => real.topology.traces.spansOf(traceId).length > 0), { timeout: 3000, message: "nginx's spans of the stalled uploads" }).toBeTruthy();
    for (const traceId of traceIds) {
      expect(real.topology.traces.spansOf(traceId).map((span) => [span.instanceId, span.status, span.attributes?.upstreamAddress])).toEqual([['nginx#1', 408, undefined]]);
    }
    const user = await signUp(real.topology, real.gateway);
    for (let i = 0; i < 4; i += 1) expect((await real.gateway.request({ method: 'GET', path: '/auth/me', token: user.accessToken })).status).toBe(200);
  });

  it('passes bodies nginx spools to a temp file (chunked, or over its 16 KiB buffer) on to the service, also when topolab runs as root', async () => {
    // As root, nginx's worker would drop to nobody, which cannot enter the 0700 data dir holding its temp paths: every such body ended in 500.
    const user = await signUp(real.topology, real.gateway);
    const text = 'x'.repeat(64 * 1024);
    const sent = await real.gateway.request({ method: 'POST', path: '/mail/send', token: user.accessToken, body: { to: `${user.username}@topolab.test`, subject: 'A long one', body: text } });
    expect(sent.status).toBe(201);
    const nginxInstance = instanceOf(real, 'nginx#1');
    const chunked = await sendChunked(`${formatHttpUrl(nginxInstance.host, nginxInstance.port)}/auth/register`, Buffer.from(JSON.stringify({ padding: 'y'.repeat(20 * 1024) })));
    // auth's own answer (a body it refuses), not nginx's 500.
    expect(chunked.status).toBe(400);
  });

  it('re-renders and reloads nginx when the registry evicts an instance, and measures the lag from the registry change', async () => {
    const since = events.mark();
    await real.topology.fault('kill', 'profile#3');
    const [reload] = await waitForReload(since, 'evicted profile#3');
    expect(reload!.data.lagMs).toBeGreaterThanOrEqual(0);
    expect(reload!.data.lagMs).toBeLessThan(2000);
    const user = await signUpWithProfile(real.topology, real.gateway);
    for (let i = 0; i < 6; i += 1) expect((await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken })).status).toBe(200);
  });

  it('kills nginx with its worker (a process group), deregisters it, and restarts it on its address', async () => {
    const before = instanceOf(real, 'nginx#1');
    await real.topology.fault('kill', 'nginx#1');
    expect(isAlive(before.pid!)).toBe(false);
    await expect.poll(async () => !(await catalogInstanceIds(real.topology)).has('nginx#1'), { timeout: 3000, message: 'nginx#1 out of the catalog' }).toBeTruthy();
    // No worker of the killed nginx answers on its address any more.
    expect((await sendHttpRequest({ url: `${formatHttpUrl(before.host, before.port)}/_topolab/health`, timeoutMs: 500 }).catch(() => ({ status: 0 }))).status).toBe(0);
    await real.topology.fault('restart', 'nginx#1');
    expect(instanceOf(real, 'nginx#1')).toMatchObject({ state: 'ready', port: before.port });
    const user = await signUp(real.topology, real.gateway);
    expect((await real.gateway.request({ method: 'GET', path: '/auth/me', token: user.accessToken })).status).toBe(200);
  });

  it('makes nginx a zombie through nginx-sync: it still answers, the registry evicts it', async () => {
    await real.topology.fault('zombie', 'nginx#1');
    await expect.poll(async () => !(await catalogInstanceIds(real.topology)).has('nginx#1'), { timeout: 3000, message: 'nginx#1 evicted' }).toBeTruthy();
    const nginxInstance = instanceOf(real, 'nginx#1');
    expect((await sendHttpRequest({ url: `${formatHttpUrl(nginxInstance.host, nginxInstance.port)}/_topolab/health`, timeoutMs: 1000 })).status).toBe(200);
    await real.topology.fault('unzombie', 'nginx#1');
    await expect.poll(async () => (await catalogInstanceIds(real.topology)).has('nginx#1'), { timeout: 3000, message: 'nginx#1 back in the catalog' }).toBeTruthy();
  });

  async function waitForReload(since: number, change: string) {
    await vi.waitFor(() => expect(events.named('nginx.reloaded', since).some((event) => event.data.change === change), `nginx.reloaded after ${change}`).toBeTruthy(), { timeout: 5000, interval: 10 });
    return events.named('nginx.reloaded', since).filter((event) => event.data.change === change);
  }
});

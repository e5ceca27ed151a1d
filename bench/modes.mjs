#!/usr/bin/env node
// Measures the modes issue's targets through real topologies and prints the figures:
//   revocation lag per auth mode (logout → first 401 at every gateway), failover per
//   discovery mode under an open-loop load, a live mode switch under load, registry restart
//   recovery, and the rate limiter's exactness. Usage: node bench/modes.mjs [--sessions 100] [--only revocation,failover,switch,registry,ratelimit] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient, startTopology } from '../packages/runtime/dist/index.js';
import { measureFailover, measureRevocationLag } from '../packages/runtime/dist/bench/index.js';
import { sendBurst } from './lib/burst.mjs';
import { runOpenLoop } from './lib/open-loop.mjs';
import { login, newUser, register } from './lib/sessions.mjs';
import { fmt, sleep, waitUntil } from './lib/stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sessionsPerMode = Number(option('--sessions', '100'));
const only = new Set(option('--only', 'revocation,failover,switch,registry,ratelimit').split(','));
const asJson = args.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);
// The bench's own probes would trip the gateway's limiter; the rate-limit section sets its own.
const unlimited = { rateLimitRps: 0, blacklistThreshold: 0 };

async function withTopology(options, run) {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-bench-'));
  const topology = await startTopology({ dataDir, gatewayPort: 0, fresh: true, ...options });
  try {
    return await run(topology);
  } finally {
    await topology.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Logout → first 401 at every gateway, per session (the runtime's measureRevocationLag, 2 gateways). */
async function revocationLag(auth) {
  const r = await measureRevocationLag({ auth, sessions: sessionsPerMode, topology: { limits: unlimited } });
  return { auth, gateways: r.gateways, sessions: r.sessions, p50: r.p50Ms, p99: r.p99Ms, max: r.maxMs, acceptedAfterLogout: r.acceptedAfterLogout };
}

/** SIGKILL profile#2 of 3 under an open-loop GET load at 100 req/s (the runtime's measureFailover). */
async function failover(discovery) {
  const r = await measureFailover({ discovery, rate: 100, durationMs: 4000 });
  return { discovery, requests: r.requests, failed: r.failed, timedOut: r.timedOut, failureWindowMs: r.failureWindowMs ?? [], evictedAfterMs: r.detectionMs };
}

/** Cycles every discovery × auth combination live under 100 req/s; counts failed requests. */
async function liveSwitch() {
  return withTopology({ replicas: { gateway: 2 }, limits: unlimited }, async (topology) => {
    const gateway = createGatewayClient(topology.gatewayUrl);
    const user = newUser();
    await register(gateway, topology, user);
    const { accessToken } = await login(gateway, topology, user);
    await gateway.request({ method: 'POST', path: '/profile', token: accessToken, body: { displayName: 'Bench' } });
    const plan = [
      { discovery: 'server', auth: 'sidecar' },
      { discovery: 'client', auth: 'local' },
      { discovery: 'server', auth: 'global' },
      { discovery: 'client', auth: 'remote' },
    ];
    const switches = [];
    const load = Promise.all(
      topology.gatewayUrls.map((url) => runOpenLoop({ url: `${url}/profile/me`, rate: 50, durationMs: 6000, headers: { authorization: `Bearer ${accessToken}` } })),
    );
    for (const modes of plan) {
      await sleep(1200);
      const started = performance.now();
      await topology.setModes(modes);
      switches.push({ ...modes, tookMs: performance.now() - started });
    }
    const records = (await load).flat();
    gateway.close();
    return { requests: records.length, failed: records.filter((record) => record.status !== 200).length, switches };
  });
}

/**
 * A burst of B+10 from one client, and an open loop at twice the rate for 10 s. The burst is
 * also sent to a bucket refilling at 1/s: admitting 110 real requests takes the gateway tens
 * of milliseconds, during which a 50/s bucket earns back a token or two.
 */
async function rateLimit() {
  const burst = 100;
  const measureBurst = (rps, localAddress) =>
    withTopology({ limits: { rateLimitRps: rps, rateLimitBurst: burst, blacklistThreshold: 0 } }, async (topology) => {
      const gateway = new URL(topology.gatewayUrl);
      const { statuses, spreadMs } = await sendBurst({ host: gateway.hostname, port: Number(gateway.port), path: '/auth/.well-known/jwks.json', count: burst + 10, localAddress });
      const ok = statuses.filter((status) => status === 200).length;
      const limited = statuses.filter((status) => status === 429).length;
      const loop =
        rps === 50
          ? await runOpenLoop({ url: `${topology.gatewayUrl}/auth/.well-known/jwks.json`, rate: rps * 2, durationMs: 10_000, localAddress: '127.0.0.22' })
          : undefined;
      return { rps, sent: statuses.length, ok, limited, spreadMs, refillDuringBurst: (spreadMs * rps) / 1000, loop };
    });
  const atDefault = await measureBurst(50, '127.0.0.21');
  const slow = await measureBurst(1, '127.0.0.23');
  const loopOk = atDefault.loop.filter((record) => record.status === 200).length;
  return { burst, bursts: [atDefault, slow].map(({ loop, ...rest }) => rest), loopRps: 100, loopSent: atDefault.loop.length, loopOk, loopExpected: burst + 10 * 50 };
}

/** Restarts the registry (it forgets everything); time until every instance registered again. */
async function registryRestart() {
  return withTopology({ limits: unlimited }, async (topology) => {
    const expected = topology.instances().filter((instance) => instance.service !== 'registry').map((instance) => instance.id);
    const rounds = [];
    for (let round = 0; round < 5; round++) {
      await topology.fault('restart', 'registry#1');
      const back = await waitUntil(async () => {
        const catalog = await (await fetch(`${topology.registryUrl}/v1/catalog`)).json();
        const listed = new Set(Object.values(catalog.services).flat().map((record) => record.instanceId));
        return expected.every((id) => listed.has(id));
      }, 10_000);
      rounds.push(back);
    }
    return { instances: expected.length, rounds, max: Math.max(...rounds) };
  });
}

const results = { node: process.version };
if (only.has('revocation')) {
  results.revocation = [];
  for (const auth of ['remote', 'local', 'global', 'sidecar']) {
    log(`revocation lag, auth=${auth}, ${sessionsPerMode} sessions, 2 gateways…`);
    results.revocation.push(await revocationLag(auth));
  }
}
if (only.has('failover')) {
  results.failover = [];
  for (const discovery of ['client', 'server']) {
    log(`failover, discovery=${discovery}: SIGKILL profile#2 of 3 under 100 req/s…`);
    results.failover.push(await failover(discovery));
  }
}
if (only.has('switch')) {
  log('live mode switch under 100 req/s over 2 gateways…');
  results.liveSwitch = await liveSwitch();
}
if (only.has('registry')) {
  log('registry restart: every instance back in the catalog…');
  results.registryRestart = await registryRestart();
}
if (only.has('ratelimit')) {
  log('rate limiter: burst of B+10, then 10 s at twice the rate…');
  results.rateLimit = await rateLimit();
}

if (asJson) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  const out = [];
  for (const r of results.revocation ?? []) {
    out.push(`revocation lag  auth=${r.auth.padEnd(8)} p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  max ${fmt(r.max)} ms  accepted after logout ${r.acceptedAfterLogout}  (${r.sessions} logouts, ${r.gateways} gateways)`);
  }
  for (const r of results.failover ?? []) {
    out.push(`failover        discovery=${r.discovery.padEnd(6)} evicted after ${fmt(r.evictedAfterMs)} ms  failed ${r.failed}/${r.requests} (timed out ${r.timedOut})${r.failed ? `  window ${r.failureWindowMs.map(fmt).join('…')} ms after the kill` : ''}`);
  }
  if (results.liveSwitch) {
    const s = results.liveSwitch;
    out.push(`live switch     failed ${s.failed}/${s.requests}; switches: ${s.switches.map((w) => `${w.discovery}/${w.auth} ${fmt(w.tookMs)} ms`).join(', ')}`);
  }
  if (results.registryRestart) {
    const r = results.registryRestart;
    out.push(`registry restart all ${r.instances} instances back in the catalog after ${r.rounds.map(fmt).join(', ')} ms (max ${fmt(r.max)}; target ≤ 1000)`);
  }
  if (results.rateLimit) {
    const r = results.rateLimit;
    for (const b of r.bursts) {
      out.push(`rate limit      burst of ${b.sent} at ${b.rps}/s refill: ${b.ok} ok, ${b.limited} × 429 (B=${r.burst}; admitted within ${fmt(b.spreadMs)} ms, refill meanwhile ${fmt(b.refillDuringBurst)})`);
    }
    out.push(`rate limit      10 s at ${r.loopRps} req/s (twice 50/s): ${r.loopOk} ok of ${r.loopSent} (expected ${r.loopExpected} ± 1)`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

#!/usr/bin/env node
// Measures how fast a start that cannot succeed is refused, and that nothing started: for a
// taken HTTP, HTTPS, DNS (UDP, TCP) port and an external Redis that is closed or silent, the
// time from startTopology's call to its error (median of N) and the instance events seen
// (0: refused before the first spawn) and data dirs made (0: nothing written). Usage: npx tsc -b && node bench/startup-checks.mjs [--runs 5] [--json]
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTopology } from '../packages/runtime/dist/index.js';
import { median } from '../packages/runtime/dist/bench/index.js';
import { planAddress } from '../packages/runtime/dist/topology/index.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 5) || 5;
const asJson = args.includes('--json');
const dnsHost = planAddress({ spec: { name: 'dns', addressOctet: 15 }, index: 1 }).host;

/** Holds a port the OS picks (TCP, or UDP), optionally accepting and never answering; resolves with it and a close. */
async function hold(protocol, host) {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    socket.bind(0, host);
    await once(socket, 'listening');
    return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(resolve)) };
  }
  const server = createServer((socket) => socket.resume()).listen(0, host);
  await once(server, 'listening');
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function closedPort() {
  const held = await hold('tcp', '127.0.0.1');
  await held.close();
  return held.port;
}

const cases = [
  ['HTTP port taken (--no-tls)', 'tcp', '127.0.0.1', (port) => ({ tls: false, gatewayPort: port })],
  ['HTTPS port taken', 'tcp', '127.0.0.1', (port) => ({ tls: true, gatewayPort: 0, httpsPort: port })],
  ['DNS port taken (UDP)', 'udp', dnsHost, (port) => ({ gatewayPort: 0, dnsPort: port })],
  ['DNS port taken (TCP)', 'tcp', dnsHost, (port) => ({ gatewayPort: 0, dnsPort: port })],
  ['--redis-url: closed port', undefined, undefined, (port) => ({ gatewayPort: 0, backends: { cache: 'redis', redisUrl: `redis://app:secret@127.0.0.1:${port}` } })],
  ['--redis-url: accepts, never answers', 'tcp', '127.0.0.1', (port) => ({ gatewayPort: 0, backends: { cache: 'redis', redisUrl: `redis://127.0.0.1:${port}` } })],
];

const rows = [];
for (const [name, protocol, host, optionsOf] of cases) {
  const held = protocol ? await hold(protocol, host) : { port: await closedPort(), close: async () => undefined };
  const times = [];
  let code = '';
  let events = 0;
  let dataDirs = 0;
  for (let run = 0; run < runs; run += 1) {
    const parent = mkdtempSync(join(tmpdir(), 'topolab-bench-startup-'));
    const started = performance.now();
    const error = await startTopology({ dataDir: join(parent, 'data'), ...optionsOf(held.port), onEvent: (event) => (events += event.type === 'instance.state' ? 1 : 0) }).then(
      (topology) => topology.stop().then(() => new Error('started')),
      (failure) => failure,
    );
    times.push(performance.now() - started);
    code = error.code ?? error.message;
    dataDirs += existsSync(join(parent, 'data')) ? 1 : 0;
    rmSync(parent, { recursive: true, force: true });
  }
  await held.close();
  rows.push({ name, code, medianMs: Math.round(median(times) * 10) / 10, instanceEvents: events, dataDirsMade: dataDirs });
}

if (asJson) process.stdout.write(`${JSON.stringify({ runs, rows }, null, 2)}\n`);
else {
  process.stdout.write(`refused starts, startTopology's call to its error, median of ${runs}:\n`);
  for (const row of rows) process.stdout.write(`  ${row.name.padEnd(38)} ${row.code.padEnd(30)} ${String(row.medianMs).padStart(7)} ms   instance events ${row.instanceEvents}, data dirs made ${row.dataDirsMade}\n`);
}

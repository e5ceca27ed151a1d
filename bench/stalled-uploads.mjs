#!/usr/bin/env node
// Measures issue 24's figure for client body timeouts through real topologies and prints it:
// a wave of stalled uploads (anonymous `/auth/register` chunked bodies stopped at 256 KiB, or
// signed-in `/mail/send` stopped at 1 MiB) while another user sends requests in a loop — how
// each stalled client ended, how many of the other user's requests failed, and which instances
// passive health ejected (`discovery.skipped`). Run after `npx tsc -b && node scripts/bundle.mjs`.
// Usage: node bench/stalled-uploads.mjs [--discovery client,server] [--timings compressed|realistic] [--count 10] [--trailing-ms 2000] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient, startTopology } from '../packages/runtime/dist/index.js';
import { createBenchUser, logInBenchUser, registerBenchUser, runStalledUploadWave } from '../packages/runtime/dist/bench/index.js';
import { fmt, percentile } from './lib/stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const discoveries = option('--discovery', 'client,server').split(',');
const timings = option('--timings', 'compressed');
const count = Number(option('--count', '10'));
// The other user goes on this long after the wave: an ejection outlasts it.
const trailingMs = Number(option('--trailing-ms', '2000'));
const asJson = args.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);

const KiB = 1024;
const kinds = [
  { name: 'register 256 KiB', upload: () => ({ path: '/auth/register', bytes: 256 * KiB }) },
  { name: 'mail/send 1 MiB', upload: (token) => ({ path: '/mail/send', bytes: 1024 * KiB, token }) },
];

async function measure(discovery) {
  const skipped = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-bench-'));
  const topology = await startTopology({
    dataDir,
    gatewayPort: 0,
    fresh: true,
    timings,
    modes: { discovery },
    // One address sends every request here: the limiter has its own figures.
    limits: { rateLimitRps: 0, blacklistThreshold: 0 },
    onEvent: (event) => {
      if (event.type === 'event' && event.name === 'discovery.skipped') skipped.push({ by: event.instanceId, instance: event.data.instanceId });
    },
  });
  const gateway = createGatewayClient(topology.gatewayUrl);
  try {
    // The runtime's user flows read the one-time codes from the topology's phone.
    const flows = { gateway, phone: topology };
    const stalling = createBenchUser();
    const other = createBenchUser();
    for (const user of [stalling, other]) await registerBenchUser(flows, user);
    const stallingToken = (await logInBenchUser(flows, stalling)).accessToken;
    const otherToken = (await logInBenchUser(flows, other)).accessToken;
    const rows = [];
    for (const kind of kinds) {
      const before = skipped.length;
      log(`${discovery}: a wave of ${count} stalled ${kind.name} uploads…`);
      const wave = await runStalledUploadWave({
        baseUrl: topology.gatewayUrl,
        uploads: Array.from({ length: count }, () => kind.upload(stallingToken)),
        trailingMs,
        other: {
          gateway,
          requests: [
            { method: 'GET', path: '/auth/me', token: otherToken },
            { method: 'GET', path: '/mail/mailboxes/inbox', token: otherToken },
          ],
        },
      });
      const answers = {};
      for (const s of wave.stalled) answers[`${s.status} ${s.code ?? ''}`.trim()] = (answers[`${s.status} ${s.code ?? ''}`.trim()] ?? 0) + 1;
      const answeredAfter = wave.stalled.map((s) => s.answeredAfterMs);
      rows.push({
        discovery,
        wave: kind.name,
        stalled: count,
        stalledAnswers: answers,
        answeredAfterP50Ms: percentile(answeredAfter, 50),
        keptOpen: wave.stalled.filter((s) => !s.serverClosed).length,
        otherRequests: wave.otherRequests,
        otherFailed: wave.otherFailures.length,
        otherFailures: [...new Set(wave.otherFailures)],
        ejected: skipped.slice(before).map((s) => `${s.instance} (by ${s.by})`),
      });
    }
    return rows;
  } finally {
    gateway.close();
    await topology.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows = [];
for (const discovery of discoveries) rows.push(...(await measure(discovery)));
if (asJson) {
  process.stdout.write(`${JSON.stringify({ timings, count, trailingMs, rows }, null, 2)}\n`);
} else {
  process.stdout.write(`Stalled uploads, waves of ${count}, --timings ${timings}; the other user's loop runs until every stalled client was answered, then ${trailingMs} ms more\n`);
  for (const r of rows) {
    const answers = Object.entries(r.stalledAnswers).map(([answer, n]) => `${answer} ×${n}`).join(', ');
    process.stdout.write(
      `  ${r.discovery.padEnd(6)} ${r.wave.padEnd(17)} stalled → ${answers} (after p50 ${fmt(r.answeredAfterP50Ms)} ms, ${r.keptOpen} kept open); ` +
        `other user: ${r.otherFailed} of ${r.otherRequests} failed${r.otherFailures.length ? ` (${r.otherFailures.join(', ')})` : ''}; ejected: ${r.ejected.length ? r.ejected.join(', ') : 'none'}\n`,
    );
  }
}

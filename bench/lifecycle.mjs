#!/usr/bin/env node
// Measures the lifecycle targets of `topolab up` through the real CLI, and prints the figures:
//   cold start to "all ready" (median of N runs), idle RSS per instance, Ctrl-C exit time,
//   time for every child to disappear after `kill -9` of the CLI, and eviction time of a
//   SIGKILLed profile instance. Usage: node bench/lifecycle.mjs [--runs 5] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../packages/runtime/dist/index.js';
import { median, parseProcStat, readProcessRssMb, userHz } from '../packages/runtime/dist/bench/index.js';

const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 5) || 5;
const asJson = args.includes('--json');

const alive = isProcessAlive;
// CPU time a process has used (user + system), ms; undefined off Linux or once it is gone.
function cpuMs(pid) {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat && (stat.ticks * 1000) / userHz;
  } catch {
    return undefined;
  }
}
const rssMb = readProcessRssMb;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitUntil(check, timeoutMs, stepMs = 5) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await sleep(stepMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Starts `topolab up` in a fresh data dir; resolves when it prints "all ready". */
function startUp(dataDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'up', '--port', '0', '--data-dir', dataDir, '--fresh'], {
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('all ready in')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`topolab up exited with ${code}:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

async function status(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'status', '--json', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`status exited ${code}`))));
  });
}

const figures = { coldStartMs: [], readyMsReported: [], cpuToReadyMs: [], ctrlCExitMs: [], orphansGoneAfterKill9Ms: undefined, rssMb: {}, evictionMs: undefined };
process.stderr.write(`measuring ${runs} cold starts…\n`);
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-bench-'));
  const up = startUp(dir);
  try {
    figures.coldStartMs.push(await up.ready);
    const reported = /all ready in (\d+) ms/.exec(up.output());
    if (reported) figures.readyMsReported.push(Number(reported[1]));
    const { instances } = await status(dir);
    // The CPU the whole start cost (every instance and the CLI), a figure the machine's noise moves far less than wall time.
    const cpu = [up.child.pid, ...instances.map((instance) => instance.pid)].map(cpuMs);
    if (cpu.every((ms) => ms !== undefined)) figures.cpuToReadyMs.push(cpu.reduce((sum, ms) => sum + ms, 0));
    if (i === 0) {
      await sleep(3000); // idle
      for (const instance of instances) figures.rssMb[instance.id] = Number(rssMb(instance.pid).toFixed(1));
      // Failover: SIGKILL profile#2 and time its eviction from the registry's catalog.
      const victim = instances.find((instance) => instance.id === 'profile#2');
      const { registryUrl } = await status(dir);
      process.kill(victim.pid, 'SIGKILL');
      figures.evictionMs = await waitUntil(async () => {
        const catalog = await (await fetch(`${registryUrl}/v1/catalog`)).json();
        return !catalog.services.profile.some((record) => record.instanceId === 'profile#2');
      }, 5000);
    }
    if (i === runs - 1) {
      // kill -9 of the CLI: every child must exit by itself (IPC disconnect).
      const pids = instances.map((instance) => instance.pid);
      up.child.kill('SIGKILL');
      figures.orphansGoneAfterKill9Ms = await waitUntil(() => pids.every((pid) => !alive(pid)), 10_000);
    } else {
      const pids = instances.map((instance) => instance.pid);
      const exited = new Promise((resolve) => up.child.once('exit', (code) => resolve(code)));
      const sent = performance.now();
      up.child.kill('SIGINT');
      const code = await exited;
      figures.ctrlCExitMs.push(performance.now() - sent);
      if (code !== 0) throw new Error(`Ctrl-C exit code ${code}`);
      if (pids.some(alive)) throw new Error('a child outlived Ctrl-C');
    }
  } finally {
    up.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const summary = {
  node: process.version,
  runs,
  coldStartMedianMs: Math.round(median(figures.coldStartMs)),
  coldStartMs: figures.coldStartMs.map(Math.round),
  topologyReadyMedianMs: Math.round(median(figures.readyMsReported)),
  ...(figures.cpuToReadyMs.length > 0 ? { cpuToReadyMedianMs: Math.round(median(figures.cpuToReadyMs)), cpuToReadyMs: figures.cpuToReadyMs } : {}),
  ctrlCExitMedianMs: Math.round(median(figures.ctrlCExitMs)),
  orphansGoneAfterKill9Ms: Math.round(figures.orphansGoneAfterKill9Ms),
  profileEvictionMs: Math.round(figures.evictionMs),
  idleRssMb: figures.rssMb,
};
if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
else {
  const lines = [
    `cold start, CLI spawn → "all ready"   median ${summary.coldStartMedianMs} ms  (${summary.coldStartMs.join(', ')} ms; target ≤ 2000)`,
    `topology readyMs as reported           median ${summary.topologyReadyMedianMs} ms`,
    ...(summary.cpuToReadyMedianMs === undefined ? [] : [`CPU to ready (CLI + every instance)     median ${summary.cpuToReadyMedianMs} ms  (${summary.cpuToReadyMs.join(', ')} ms)`]),
    `Ctrl-C → exit 0, no child left         median ${summary.ctrlCExitMedianMs} ms`,
    `kill -9 of the CLI → no child left     ${summary.orphansGoneAfterKill9Ms} ms  (target ≤ 2000)`,
    `SIGKILL profile#2 → evicted            ${summary.profileEvictionMs} ms  (target ≤ 1000)`,
    `idle RSS per instance (MB, target ≤ 80): ${Object.entries(summary.idleRssMb).map(([id, mb]) => `${id} ${mb}`).join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

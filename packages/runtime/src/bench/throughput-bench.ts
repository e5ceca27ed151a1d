import { cpus } from 'node:os';
import { createGatewayClient } from '../client/gateway-client.js';
import { createUnsampledTraceparent } from '../client/traceparent.js';
import { isTopolabError } from '../errors/topolab-error.js';
import { identityAssertionHeader } from '@topolab/services/contract';
import { formatHttpUrl } from '../topology/addresses.js';
import type { Topology } from '../topology/start-topology.js';
import { planRounds, planThroughputRows } from './bench-plan.js';
import type { BenchProgressListener } from './bench-progress.js';
import type { BenchSettings } from './bench-settings.js';
import { proxyRatios, summarizeRows } from './bench-stats.js';
import { describeMissingBackend, missingBackend, type BackendOptions } from '../backends/topology-backends.js';
import { benchNoAuthEnv, withBenchTopology, type BenchTopologyOptions } from './bench-topology.js';
import type { BenchBackend, RoundSnapshot, ThroughputResult, ThroughputRow, ThroughputSample } from './bench-types.js';
import { signUpWithProfile, type BenchSession } from './bench-users.js';
import { startBareProxy, type BareProxyProcess } from './bare-proxy-process.js';
import { runClosedLoop, type ClosedLoopOptions } from './closed-loop.js';
import { findNginx, startNginx, type NginxProcess } from './nginx-process.js';
import { cpuPerRequest, groupInstances, hasProcfs, requestPathOf, snapshotCpu, type CpuProcess } from './process-cpu.js';
import { readProcessRssMb } from './process-rss.js';
import { requireWrk, runWrk } from './wrk-load.js';

/** What measureThroughput needs besides the settings. */
export interface ThroughputOptions {
  readonly onProgress?: BenchProgressListener;
  readonly signal?: AbortSignal;
  /** The nginx binary; undefined finds it on PATH, null leaves the nginx row out as missing. */
  readonly nginxBinary?: string | null;
  /** More options of the topology (a manifest, `env`). */
  readonly topology?: BenchTopologyOptions;
}

/** Where one row sends its requests. */
interface Target {
  readonly urls: readonly string[];
  readonly headers: Record<string, string>;
}

/** A topology the rows run on, with its signed-up user. */
interface RowTopology {
  readonly topology: Topology;
  readonly session: BenchSession;
}

async function signUpOn(topology: Topology): Promise<RowTopology> {
  const gateway = createGatewayClient(topology.gatewayUrl);
  try {
    return { topology, session: await signUpWithProfile({ gateway, phone: topology }) };
  } finally {
    gateway.close();
  }
}

/**
 * The throughput table: `GET /profile/me` as one signed-up user, closed loop, per row (direct,
 * nginx, every discovery × auth combination switched live on one topology with the limits
 * off), rows interleaved over `rounds` rounds; the gateways' memory after each round. Rows on
 * real backends run on a second topology, started beside the first (its cache and bus on
 * Redis, its lb nginx), so they interleave with their embedded twins.
 */
export async function measureThroughput(settings: BenchSettings, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const emit = options.onProgress ?? (() => undefined);
  // Before any topology starts: `--load wrk` without wrk is an error, not a missing row.
  const wrk = settings.load === 'wrk' ? requireWrk() : undefined;
  const runLoad = (load: ClosedLoopOptions) => (wrk ? runWrk(wrk, load) : runClosedLoop(load));
  const measureCpu = hasProcfs();
  const rows = planThroughputRows(settings);
  const plan = planRounds(rows.map((row) => row.id), settings.rounds);
  const startAuth = settings.auth.find((auth) => auth !== 'none') ?? 'remote';
  // Only a topology that runs `none` rows gets the opt-in: every other gateway refuses the mode.
  const env = settings.auth.includes('none') ? benchNoAuthEnv : {};
  const modes = { discovery: settings.discovery[0]!, auth: startAuth };
  const missing = new Map<string, string>();
  const markMissing = (rowId: string, reason: string) => {
    if (missing.has(rowId)) return;
    missing.set(rowId, reason);
    emit({ type: 'row-missing', rowId, reason });
  };
  const realRows = rows.filter((row) => row.backends);
  const real = realBackendsOf(settings.backends);
  return withBenchTopology({ modes, env }, async (topology) => withRealTopology(realRows.length > 0 ? { modes, env, backends: real } : undefined, (reason) => realRows.forEach((row) => markMissing(row.id, reason)), async (second) => {
    const embedded = await signUpOn(topology);
    const onReal = second ? await signUpOn(second) : undefined;
    const { session } = embedded;
    const profiles = topology.instances().filter((instance) => instance.service === 'profile' && instance.state === 'ready');
    // The direct and nginx rows stand in for the gateway: the runtime signs the identity assertion
    // a gateway would send profile, valid for the whole row (each row gets a fresh one).
    const directIdentity = async (): Promise<Record<string, string>> => {
      const token = decodeAccessToken(session.accessToken);
      const ttlS = Math.ceil((settings.warmupMs * 3 + settings.durationMs) / 1000) + 60;
      return { [identityAssertionHeader]: await topology.assertIdentity({ sub: session.userId, audience: 'profile', tokenJti: token.jti, tokenExp: token.exp }, ttlS) };
    };
    const nginx = await startReferenceProxy(options.nginxBinary, profiles, await directIdentity(), (reason) => markMissing('nginx', reason));
    const bare = await startBareNode(profiles, options.topology?.cpuProfile?.dir, (reason) => markMissing('bare-node', reason));
    const samples: ThroughputSample[] = [];
    const rounds: RoundSnapshot[] = [];
    let gatewayLoadSeconds = 0;
    try {
      const onTopologyOf = (row: ThroughputRow): RowTopology => (row.backends ? onReal! : embedded);
      // Unsampled (W3C trace-flags 00) on every row: no hop records a span of the load.
      const traceparent = createUnsampledTraceparent();
      const targetOf = async (row: ThroughputRow): Promise<Target> => {
        if (row.kind === 'direct') return { urls: profiles.map((p) => `${formatHttpUrl(p.host, p.port)}/profile/me`), headers: { ...(await directIdentity()), traceparent } };
        if (row.kind === 'nginx') return { urls: [`${nginx!.url}/profile/me`], headers: { ...(await directIdentity()), traceparent } };
        if (row.kind === 'bare-node') return { urls: [`${bare!.url}/profile/me`], headers: { ...(await directIdentity()), traceparent } };
        const on = onTopologyOf(row);
        return { urls: [`${on.topology.gatewayUrl}/profile/me`], headers: { authorization: `Bearer ${on.session.accessToken}`, traceparent } };
      };
      // Every process a row's request may pass, read before and after its timed window: the
      // ready instances of its topology (those off the path as `others`), the row's reference
      // proxy, and the load generator.
      const cpuProcesses = (row: ThroughputRow): CpuProcess[] => [
        ...groupInstances(onTopologyOf(row).topology.instances().filter((instance) => instance.state === 'ready'), requestPathOf(row)),
        ...(row.kind === 'nginx' && nginx?.pid !== undefined ? [{ group: 'nginx', pid: nginx.pid }] : []),
        ...(row.kind === 'bare-node' && bare?.pid !== undefined ? [{ group: 'bare-node', pid: bare.pid }] : []),
        { group: 'bench', pid: process.pid, alone: true, outside: true },
        ...(wrk ? [{ group: 'wrk', pid: process.pid, reaped: true, outside: true }] : []),
      ];
      // The profile instances serve every row: warm their JIT once before any row is timed.
      if (settings.warmupMs > 0) await runLoad({ ...(await targetOf(rows[0]!)), connections: settings.connections, durationMs: settings.warmupMs * 3, ...(options.signal ? { signal: options.signal } : {}) });
      for (const [index, order] of plan.entries()) {
        const round = index + 1;
        for (const rowId of order) {
          if (options.signal?.aborted) throw abortError();
          const row = rows.find((candidate) => candidate.id === rowId)!;
          if (missing.has(row.id)) continue;
          if (row.modes && !(await switchModes(onTopologyOf(row).topology, row, markMissing))) continue;
          const target = await targetOf(row);
          const load = { urls: target.urls, headers: target.headers, connections: settings.connections, ...(options.signal ? { signal: options.signal } : {}) };
          if (settings.warmupMs > 0) await runLoad({ ...load, durationMs: settings.warmupMs });
          emit({ type: 'row-start', round, rounds: settings.rounds, rowId: row.id, durationMs: settings.durationMs });
          const processes = measureCpu ? cpuProcesses(row) : [];
          const before = measureCpu ? snapshotCpu(processes) : undefined;
          const result = await runLoad({ ...load, durationMs: settings.durationMs });
          const cpu = before ? cpuPerRequest(before, snapshotCpu(processes), result.requests) : undefined;
          const sample: ThroughputSample = { round, rowId: row.id, ...result, ...(cpu ? { cpu } : {}) };
          if (row.kind === 'gateway') gatewayLoadSeconds += (settings.warmupMs + sample.durationMs) / 1000;
          if (options.signal?.aborted) throw abortError();
          samples.push(sample);
          emit({ type: 'row', round, rounds: settings.rounds, sample });
        }
        const snapshot = { round, gatewayRssMb: readGatewayRss(topology), gatewayLoadSeconds };
        rounds.push(snapshot);
        emit({ type: 'round', snapshot, rounds: settings.rounds });
      }
    } finally {
      await nginx?.stop();
      await bare?.stop();
    }
    const ready = (t: Topology | undefined) => t?.instances().filter((instance) => instance.state === 'ready').length ?? 0;
    const instances = ready(topology) + ready(second);
    const summaries = summarizeRows(rows, samples, missing);
    const generator = wrk ? 'wrk -t1 as a child process (one per URL on the direct row, the connections split)' : '1 autocannon worker in the bench process';
    const references = [nginx ? 'the nginx reference' : undefined, bare ? 'the bare Node proxy' : undefined].filter(Boolean).join(' and ');
    return {
      rows: summaries,
      ratios: proxyRatios(summaries),
      rounds,
      plan,
      loadGenerator: `connections ${settings.connections}, ${generator}, sharing ${cpus().length} cores with ${instances} topology instances${second ? ' (two topologies: embedded, and on redis + nginx)' : ''}${references ? ` and ${references}` : ''}`,
      cpuMeasured: measureCpu,
    };
  }), options.topology);
}

/** The backends of the second topology: Redis for the cache and the bus, nginx for the lb, as asked. */
export function realBackendsOf(backends: readonly BenchBackend[]): BackendOptions {
  return {
    ...(backends.includes('redis') ? { cache: 'redis' as const, bus: 'redis' as const } : {}),
    ...(backends.includes('nginx') ? { lb: 'nginx' as const } : {}),
  };
}

/**
 * Runs `run` with a second topology on real backends (stopped afterwards), or with undefined
 * when none is asked for or a program is missing (TOPOLOGY_BACKEND_MISSING: `onMissing` hears why).
 */
async function withRealTopology<T>(options: BenchTopologyOptions | undefined, onMissing: (reason: string) => void, run: (topology: Topology | undefined) => Promise<T>, extra?: BenchTopologyOptions): Promise<T> {
  if (!options) return run(undefined);
  const missing = missingBackend(options.backends, extra?.manifest);
  if (missing) {
    onMissing(describeMissingBackend(missing));
    return run(undefined);
  }
  return withBenchTopology(options, run, extra);
}

/** Switches the gateways to a row's modes; false (and the row marked missing) when they refuse them. */
async function switchModes(topology: Topology, row: ThroughputRow, markMissing: (rowId: string, reason: string) => void): Promise<boolean> {
  try {
    await topology.setModes(row.modes!);
    return true;
  } catch (error) {
    if (!isTopolabError(error) || !['TOPOLOGY_INVALID_MODE', 'SUPERVISOR_COMMAND_FAILED'].includes(error.code)) throw error;
    markMissing(row.id, `the gateway refused ${row.id} (${error.code}: ${error.message})`);
    return false;
  }
}

async function startReferenceProxy(
  binary: string | null | undefined,
  profiles: readonly { host: string; port: number }[],
  probeHeaders: Readonly<Record<string, string>>,
  markMissing: (reason: string) => void,
): Promise<NginxProcess | undefined> {
  const found = binary === null ? undefined : (binary ?? findNginx());
  if (!found) {
    markMissing('nginx is not installed (not on PATH)');
    return undefined;
  }
  try {
    return await startNginx({ binary: found, upstreams: profiles, probeHeaders });
  } catch (error) {
    markMissing(`nginx did not start: ${(error as Error).message}`);
    return undefined;
  }
}

/** The bare Node proxy over the profile instances (profiled beside the gateway under `--cpu-prof`), or undefined (the row marked missing) when it does not start. */
async function startBareNode(profiles: readonly { host: string; port: number }[], cpuProfileDir: string | undefined, markMissing: (reason: string) => void): Promise<BareProxyProcess | undefined> {
  try {
    return await startBareProxy(profiles, cpuProfileDir === undefined ? {} : { cpuProfileDir });
  } catch (error) {
    markMissing((error as Error).message);
    return undefined;
  }
}

function readGatewayRss(topology: Topology): Record<string, number> {
  const gateways = topology.instances().filter((instance) => instance.service === 'gateway' && instance.state === 'ready');
  return Object.fromEntries(gateways.map((instance) => [instance.id, Math.round(readProcessRssMb(instance.pid) * 10) / 10]));
}

/** The jti and exp of an access token the bench itself got from auth (read without a check: it only names what the assertion stands for). */
function decodeAccessToken(token: string): { jti: string; exp: number } {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string; exp: number };
  return { jti: claims.jti, exp: claims.exp };
}

function abortError(): Error {
  return Object.assign(new Error('The bench was interrupted.'), { name: 'AbortError' });
}

import type { AuthModeName } from '@topolab/services/contract';
import type { BenchProgressListener } from './bench-progress.js';
import type { BenchTopologyOptions } from './bench-topology.js';
import { normalizeBenchSettings, type BenchSettings } from './bench-settings.js';
import { checkTargets } from './bench-targets.js';
import { planThroughputRows } from './bench-plan.js';
import type { ColdStartResult, FailoverResult, FanoutResult, MachineInfo, RevocationResult, TargetCheck, ThroughputResult } from './bench-types.js';
import { measureColdStart } from './cold-start-bench.js';
import { measureFailover } from './failover-bench.js';
import { measureFanout } from './fanout-bench.js';
import { readMachineInfo } from './machine-info.js';
import { measureRevocationLag } from './revocation-bench.js';
import { measureThroughput } from './throughput-bench.js';
import { describeMissingBackend, missingBackend } from '../backends/topology-backends.js';

/** Everything one `topolab bench` run measured: what the JSON report holds. */
export interface BenchReport {
  readonly version: 1;
  /** ISO time. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly throughput?: ThroughputResult;
  readonly revocation?: readonly RevocationResult[];
  readonly failover?: readonly FailoverResult[];
  /** WebSocket fan-out latency, on the embedded bus (and on Redis). */
  readonly fanout?: readonly FanoutResult[];
  readonly coldStart?: ColdStartResult;
  /** The targets checked against this run's figures. */
  readonly targets: readonly TargetCheck[];
  /** What a reader must know to trust the figures (CPU contention, missing rows). */
  readonly notes: readonly string[];
}

/** What runBench needs besides the settings. */
export interface RunBenchOptions {
  readonly onProgress?: BenchProgressListener;
  /** Aborting stops the bench after the current measurement (its topology is stopped). */
  readonly signal?: AbortSignal;
  /** Where `git rev-parse HEAD` runs. @default process.cwd() */
  readonly cwd?: string;
  /** The nginx binary; undefined finds it on PATH, null skips the nginx row. */
  readonly nginxBinary?: string | null;
  /** More options of every topology the bench starts: a manifest, `env`, `cpuProfile` (each topology's profiles in a folder of their own). */
  readonly topology?: BenchTopologyOptions;
}

/**
 * Runs the sections of the bench named in `settings.sections`, one after the other, each on
 * its own fresh topology, and checks the targets. CONFIG_INVALID for bad settings.
 */
export async function runBench(input: Partial<BenchSettings> = {}, options: RunBenchOptions = {}): Promise<BenchReport> {
  const settings = normalizeBenchSettings(input);
  const startedAt = new Date().toISOString();
  const emit = options.onProgress ?? (() => undefined);
  const sections = new Set(settings.sections);
  const realAuth = settings.auth.filter((auth): auth is AuthModeName => auth !== 'none');
  const topology = options.topology ? { topology: options.topology } : {};
  const aborted = () => {
    if (options.signal?.aborted) throw Object.assign(new Error('The bench was interrupted.'), { name: 'AbortError' });
  };
  let throughput: ThroughputResult | undefined;
  const revocation: RevocationResult[] = [];
  const failover: FailoverResult[] = [];
  const fanout: FanoutResult[] = [];
  let coldStart: ColdStartResult | undefined;

  if (sections.has('throughput')) {
    const rowCount = planThroughputRows(settings).length;
    emit({ type: 'section', section: 'throughput', detail: `${rowCount} rows × ${settings.rounds} rounds, ${settings.durationMs / 1000} s each after a ${settings.warmupMs / 1000} s warm-up, ${settings.connections} connections, load by ${settings.load}` });
    throughput = await measureThroughput(settings, { onProgress: emit, ...(options.signal ? { signal: options.signal } : {}), ...(options.nginxBinary !== undefined ? { nginxBinary: options.nginxBinary } : {}), ...topology });
  }
  const missingBackends: string[] = [];
  // A measurement on a real backend that is not installed is left out, and the report says why.
  const available = (backend: 'redis' | 'nginx') => {
    if (!settings.backends.includes(backend)) return false;
    const missing = missingBackend(backend === 'redis' ? { cache: 'redis' } : { lb: 'nginx' }, options.topology?.manifest);
    if (missing && !missingBackends.some((note) => note.startsWith(backend))) missingBackends.push(`${backend}: ${describeMissingBackend(missing)}`);
    return missing === undefined;
  };
  if (sections.has('revocation') && realAuth.length > 0) {
    // Remote auth never reads the cache or the bus: Redis changes nothing there.
    const onRedis = available('redis') ? realAuth.filter((auth) => auth !== 'remote') : [];
    emit({ type: 'section', section: 'revocation', detail: `${settings.sessions} logouts per auth mode${onRedis.length > 0 ? ' (and per mode on Redis)' : ''}, 2 gateways probed` });
    for (const [auth, backend] of [...realAuth.map((auth) => [auth, 'embedded'] as const), ...onRedis.map((auth) => [auth, 'redis'] as const)]) {
      aborted();
      const result = await measureRevocationLag({ auth, backend, sessions: settings.sessions, ...topology });
      revocation.push(result);
      emit({ type: 'revocation', result });
    }
  }
  if (sections.has('failover')) {
    const throughNginx = settings.discovery.includes('server') && available('nginx');
    emit({ type: 'section', section: 'failover', detail: `SIGKILL profile#2 of 3 after 1 s of an open loop at ${settings.rate} req/s${throughNginx ? ' (and through nginx)' : ''}` });
    const runs = [...settings.discovery.map((discovery) => [discovery, 'embedded'] as const), ...(throughNginx ? [['server', 'nginx'] as const] : [])];
    for (const [discovery, backend] of runs) {
      aborted();
      const result = await measureFailover({ discovery, backend, auth: realAuth[0] ?? 'remote', rate: settings.rate, ...topology });
      failover.push(result);
      emit({ type: 'failover', result });
    }
  }
  if (sections.has('fanout')) {
    const onRedis = available('redis');
    emit({ type: 'section', section: 'fanout', detail: `1 sender, ${settings.receivers} WebSocket receivers over the chat instances, ${settings.messages} messages${onRedis ? ' (and with the bus on Redis)' : ''}` });
    for (const backend of onRedis ? (['embedded', 'redis'] as const) : (['embedded'] as const)) {
      aborted();
      const result = await measureFanout({ backend, receivers: settings.receivers, messages: settings.messages, ...topology });
      fanout.push(result);
      emit({ type: 'fanout', result });
    }
  }
  if (sections.has('coldstart')) {
    aborted();
    const runs = settings.rounds;
    emit({ type: 'section', section: 'coldstart', detail: `${runs} starts of the default topology` });
    coldStart = await measureColdStart({ runs, ...topology, onRun: (run, readyMs) => emit({ type: 'coldstart', run, runs, readyMs }) });
    emit({ type: 'coldstart-done', result: coldStart });
  }

  const machine = readMachineInfo(options.cwd);
  return {
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    settings,
    ...(throughput ? { throughput } : {}),
    ...(revocation.length > 0 ? { revocation } : {}),
    ...(failover.length > 0 ? { failover } : {}),
    ...(fanout.length > 0 ? { fanout } : {}),
    ...(coldStart ? { coldStart } : {}),
    targets: checkTargets({ rows: throughput?.rows ?? [], rounds: throughput?.rounds ?? [] }),
    notes: [...describeCaveats(machine, throughput), ...missingBackends.map((note) => `Measurements on ${note}`)],
  };
}

/** The caveats of a run: the load generator shares the machine, what `none` is, and why rows are missing. */
export function describeCaveats(machine: Pick<MachineInfo, 'cpus'>, throughput: ThroughputResult | undefined): string[] {
  if (!throughput) return [];
  const notes = [
    `Load generator: ${throughput.loadGenerator}. On ${machine.cpus} core${machine.cpus === 1 ? '' : 's'} it competes with what it measures, so every row is lower than on a dedicated client; the ratios between rows of the same run are the figures to compare.`,
  ];
  if (throughput.rows.some((row) => row.modes?.auth === 'none' && row.median)) {
    notes.push('Rows */none run the bench-only auth mode none: the gateway decodes the token and forwards its sub without any check (enabled only on the bench\'s own topology), so local vs none is the price of the token check alone.');
  }
  if (throughput.cpuMeasured === false) notes.push('CPU µs per request: n/a, this system has no /proc to read the processes’ CPU times from (Linux only).');
  for (const row of throughput.rows) if (row.missing) notes.push(`Row ${row.id} is missing: ${row.missing}.`);
  return notes;
}

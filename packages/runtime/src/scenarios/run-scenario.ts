import { performance } from 'node:perf_hooks';
import type { TopologyModes } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { Topology } from '../topology/topology.js';
import type { TopologyOptions } from '../topology/topology-options.js';
import { createScenarioContext, type ScenarioSession } from './context.js';
import { describeError } from './describe-error.js';
import type { Scenario } from './dsl.js';
import type { RunEventListener, ScenarioErrorInfo, ScenarioRunResult } from './run-types.js';
import { createTopologyPool, type LentTopology, type TopologyPool } from './topology-pool.js';

/** The default time a scenario's `run` may take. */
export const defaultScenarioTimeoutMs = 60_000;

// Scenarios drive traffic far faster than a person; a scenario about limits names its own.
const limitsOff = { rateLimitRps: 0, blacklistThreshold: 0 };

/** What one scenario × modes run needs. */
export interface RunOneOptions {
  readonly scenario: Scenario;
  readonly modes: TopologyModes;
  readonly emit: RunEventListener;
  readonly startTopology: (options: TopologyOptions) => Promise<Topology>;
  readonly tmpDir?: string;
  readonly keepData?: boolean;
  /** Options every topology of the run gets (start timeout, grace period, log level, fixture manifest). */
  readonly topologyDefaults?: Partial<Omit<TopologyOptions, 'dataDir' | 'onEvent'>>;
  /** Stops the run from outside (Ctrl-C): the scenario fails as stopped. */
  readonly signal?: AbortSignal;
  /** Where the topology comes from and goes back to (runScenarios shares one between runs). @default a fresh topology, stopped after the run */
  readonly pool?: TopologyPool;
}

/**
 * The topology options of a run of `scenario` in `modes`, and the key of that shape: runs of
 * the same key may share a topology.
 */
export function topologyShapeOf(scenario: Scenario, modes: TopologyModes, defaults: RunOneOptions['topologyDefaults'] = {}): { key: string; options: (dataDir: string) => TopologyOptions } {
  const { topology: shape } = scenario;
  const own = {
    modes,
    ...(shape?.replicas ? { replicas: shape.replicas } : {}),
    ...(shape?.timings ? { timings: shape.timings } : {}),
    ...(shape?.tls === undefined ? {} : { tls: shape.tls }),
    limits: shape?.limits ?? limitsOff,
  };
  const key = JSON.stringify({ ...own, tls: own.tls ?? defaults.tls ?? true, backends: defaults.backends ?? {} });
  return { key, options: (dataDir) => ({ tls: true, ...defaults, dataDir, gatewayPort: 0, ...own }) };
}

type Outcome = { readonly kind: 'done' } | { readonly kind: 'threw'; readonly error: unknown } | { readonly kind: 'timeout' } | { readonly kind: 'interrupted' };

/** Runs `run` until it settles, `timeoutMs` passes or `signal` aborts. */
async function settle(run: () => Promise<void>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const outcomes: Promise<Outcome>[] = [
    Promise.resolve()
      .then(run)
      .then((): Outcome => ({ kind: 'done' }), (error: unknown): Outcome => ({ kind: 'threw', error })),
    new Promise((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs))),
  ];
  if (signal) {
    outcomes.push(new Promise((resolve) => {
      onAbort = () => resolve({ kind: 'interrupted' });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }));
  }
  try {
    return await Promise.race(outcomes);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs one scenario in one mode combination: a topology of its shape from the pool (a fresh
 * one in a fresh temp data dir by default), the scenario with its timeout, then (always) the
 * topology handed back: kept for the next run of that shape only when this one passed and left
 * it unchanged, else stopped and its data dir removed unless `keepData`. Never throws: every
 * failure ends up in the result.
 */
export async function runOneScenario(options: RunOneOptions): Promise<ScenarioRunResult> {
  const { scenario, modes, emit } = options;
  const started = performance.now();
  emit({ type: 'scenario.start', name: scenario.name, summary: scenario.summary, modes });
  const controller = new AbortController();
  const pool = options.pool ?? createTopologyPool({ startTopology: options.startTopology, maxIdle: 0, ...(options.tmpDir === undefined ? {} : { tmpDir: options.tmpDir }) });
  let lent: LentTopology | undefined;
  let topology: Topology | undefined;
  let session: ScenarioSession | undefined;
  let error: ScenarioErrorInfo | undefined;
  const redact = (text: string) => session?.redact(text) ?? text;
  try {
    const shape = topologyShapeOf(scenario, modes, options.topologyDefaults);
    lent = await pool.acquire(shape.key, shape.options, scenario.name, scenario.topology?.fresh === true);
    topology = lent.topology;
    const dataDir = lent.dataDir;
    emit({ type: 'scenario.ready', name: scenario.name, modes, readyMs: lent.reused ? 0 : topology.readyMs, dataDir, ...(lent.reused ? { reused: true } : {}) });
    session = createScenarioContext({ topology, signal: controller.signal, onEvent: (event) => emit({ ...event, scenario: scenario.name, modes }) });
    const context = session.context;
    const timeoutMs = scenario.timeoutMs ?? defaultScenarioTimeoutMs;
    const outcome = await settle(() => scenario.run(context), timeoutMs, options.signal);
    if (outcome.kind === 'timeout' || outcome.kind === 'interrupted') {
      const step = session.recorder.current;
      const stop = outcome.kind === 'timeout'
        ? runtimeError('SCENARIO_TIMEOUT', { message: `${scenario.name} did not finish within ${timeoutMs} ms${step === undefined ? '' : ` (step "${step}" was running)`}.` })
        : runtimeError('SCENARIO_STOPPED', { message: `${scenario.name} was interrupted${step === undefined ? '' : ` in step "${step}"`}.` });
      controller.abort();
      session.recorder.abort(stop);
      error = describeError(stop, redact, step);
    } else {
      // A failed step fails the scenario even when the scenario caught its error.
      error = session.recorder.failure ?? (outcome.kind === 'threw' ? describeError(outcome.error, redact) : undefined);
    }
  } catch (startError) {
    error = describeError(startError, redact);
  } finally {
    session?.close();
    try {
      // A run that failed or was stopped, or a scenario that asks for a fresh topology, hands on nothing.
      if (lent) await pool.release(lent, error === undefined && !controller.signal.aborted && !options.signal?.aborted && scenario.topology?.fresh !== true, options.keepData === true);
    } catch (stopError) {
      error ??= describeError(stopError, redact);
    }
  }
  const recorder = session?.recorder;
  const result: ScenarioRunResult = {
    name: scenario.name,
    summary: scenario.summary,
    modes,
    status: error === undefined ? 'passed' : 'failed',
    ok: error === undefined,
    durationMs: performance.now() - started,
    ...(topology && lent ? (lent.reused ? { readyMs: 0, reusedTopology: true } : { readyMs: topology.readyMs }) : {}),
    steps: [...(recorder?.steps ?? [])],
    figures: [...(recorder?.figures ?? [])],
    notes: [...(recorder?.notes ?? [])],
    ...(error === undefined ? {} : { error }),
    ...(options.keepData && lent ? { dataDir: lent.dataDir } : {}),
  };
  emit({ type: 'scenario.end', ...result });
  return result;
}

/** The result of a run that did not start: its modes do not fit, or an earlier failure stopped the run. */
export function skippedResult(scenario: Scenario, modes: TopologyModes, reason: string): ScenarioRunResult {
  return { name: scenario.name, summary: scenario.summary, modes, status: 'skipped', ok: true, durationMs: 0, steps: [], figures: [], notes: [], skipReason: reason };
}

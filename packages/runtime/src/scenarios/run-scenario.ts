import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TopologyModes } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { Topology } from '../topology/topology.js';
import type { TopologyOptions } from '../topology/topology-options.js';
import { createScenarioContext, type ScenarioSession } from './context.js';
import { describeError } from './describe-error.js';
import type { Scenario } from './dsl.js';
import type { RunEventListener, ScenarioErrorInfo, ScenarioRunResult } from './run-types.js';

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
 * Runs one scenario in one mode combination: a fresh temp data dir, a fresh topology, the
 * scenario with its timeout, then (always) the topology stopped and the data dir removed
 * unless `keepData`. Never throws: every failure ends up in the result.
 */
export async function runOneScenario(options: RunOneOptions): Promise<ScenarioRunResult> {
  const { scenario, modes, emit } = options;
  const started = performance.now();
  emit({ type: 'scenario.start', name: scenario.name, summary: scenario.summary, modes });
  const dataDir = mkdtempSync(join(options.tmpDir ?? tmpdir(), `topolab-${scenario.name}-`));
  const controller = new AbortController();
  let topology: Topology | undefined;
  let session: ScenarioSession | undefined;
  let error: ScenarioErrorInfo | undefined;
  const redact = (text: string) => session?.redact(text) ?? text;
  try {
    const { topology: shape } = scenario;
    topology = await options.startTopology({
      tls: true,
      ...options.topologyDefaults,
      dataDir,
      gatewayPort: 0,
      modes,
      ...(shape?.replicas ? { replicas: shape.replicas } : {}),
      ...(shape?.timings ? { timings: shape.timings } : {}),
      ...(shape?.tls === undefined ? {} : { tls: shape.tls }),
      limits: shape?.limits ?? limitsOff,
    });
    emit({ type: 'scenario.ready', name: scenario.name, modes, readyMs: topology.readyMs, dataDir });
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
      await topology?.stop();
    } catch (stopError) {
      error ??= describeError(stopError, redact);
    }
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  }
  const recorder = session?.recorder;
  const result: ScenarioRunResult = {
    name: scenario.name,
    summary: scenario.summary,
    modes,
    status: error === undefined ? 'passed' : 'failed',
    ok: error === undefined,
    durationMs: performance.now() - started,
    ...(topology ? { readyMs: topology.readyMs } : {}),
    steps: [...(recorder?.steps ?? [])],
    figures: [...(recorder?.figures ?? [])],
    notes: [...(recorder?.notes ?? [])],
    ...(error === undefined ? {} : { error }),
    ...(options.keepData ? { dataDir } : {}),
  };
  emit({ type: 'scenario.end', ...result });
  return result;
}

/** The result of a run that did not start: its modes do not fit, or an earlier failure stopped the run. */
export function skippedResult(scenario: Scenario, modes: TopologyModes, reason: string): ScenarioRunResult {
  return { name: scenario.name, summary: scenario.summary, modes, status: 'skipped', ok: true, durationMs: 0, steps: [], figures: [], notes: [], skipReason: reason };
}

import { performance } from 'node:perf_hooks';
import { serviceManifest, type ServiceSpec, type TopologyModes } from '@topolab/services/contract';
import { missingBackend, type BackendOptions } from '../backends/topology-backends.js';
import { runtimeError } from '../errors/error-codes.js';
import { startTopology as startRealTopology } from '../topology/start-topology.js';
import type { Topology } from '../topology/topology.js';
import { defaultModes, validateModes } from '../topology/topology-modes.js';
import type { TopologyOptions } from '../topology/topology-options.js';
import type { Scenario } from './dsl.js';
import { runOneScenario, skippedResult, topologyShapeOf } from './run-scenario.js';
import type { RunEvent, RunEventListener, RunResult, ScenarioRunResult } from './run-types.js';
import { fitsModes, matrixModesOf } from './scenario-modes.js';
import { createTopologyPool } from './topology-pool.js';

/** Options of runScenarios. */
export interface RunScenariosOptions {
  readonly scenarios: readonly Scenario[];
  /**
   * One mode combination for every scenario (a scenario that does not fit it is skipped),
   * `'matrix'`: every discovery × auth pair each scenario allows, or `{ matrix: { discovery:
   * 'server' } }`: the pairs of the matrix with the axes named there fixed.
   * @default { discovery: 'client', auth: 'remote' }
   */
  readonly modes?: Partial<TopologyModes> | 'matrix' | MatrixModes;
  /** Backends of every topology of the run (a scenario's own `topology.backends` win). @default every part embedded */
  readonly backends?: BackendOptions;
  /** Only scenarios whose name contains this string, matches this pattern, or passes this test. @default every scenario */
  readonly filter?: string | RegExp | ((scenario: Scenario) => boolean);
  /** After the first failure, skip every run not yet started. @default false */
  readonly bail?: boolean;
  /** Keep each run's data dir (databases, logs) and report where it is. @default false */
  readonly keepData?: boolean;
  /** Runs at once, each with its own topology. @default 1 */
  readonly parallel?: number;
  /** Every run on a topology of its own: none is handed from one run to the next. @default false */
  readonly isolate?: boolean;
  /** Receives every event, in order, for live reporters. */
  readonly onEvent?: RunEventListener;
  /** Aborting it fails the running scenarios as stopped and skips the rest (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Where the data dirs are made. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Options every topology gets (start timeout, grace period, log level; tests pass a fixture manifest). @default {} */
  readonly topologyDefaults?: Partial<Omit<TopologyOptions, 'dataDir' | 'onEvent'>>;
  /**
   * A run whose backends need a program that is not installed (redis-server, nginx) fails instead
   * of being skipped: for CI, which installs them (`topolab run --require-programs`). @default false
   */
  readonly requirePrograms?: boolean;
  /** Starts a topology. @default startTopology */
  readonly startTopology?: (options: TopologyOptions) => Promise<Topology>;
}

/** The matrix with some axes fixed. */
export interface MatrixModes {
  readonly matrix: Partial<TopologyModes>;
}

interface PlannedRun {
  readonly scenario: Scenario;
  readonly modes: TopologyModes;
  /** Why it will not run, when it will not. */
  readonly skip?: string;
}

function matcherOf(filter: RunScenariosOptions['filter']): (scenario: Scenario) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'string') return (scenario) => scenario.name.includes(filter);
  if (filter instanceof RegExp) return (scenario) => filter.test(scenario.name);
  return filter;
}

/** Every scenario × modes run, in scenario order then mode order. */
export function planRuns(scenarios: readonly Scenario[], modes: RunScenariosOptions['modes'], filter?: RunScenariosOptions['filter']): PlannedRun[] {
  const selected = scenarios.filter(matcherOf(filter));
  if (modes === 'matrix' || (typeof modes === 'object' && 'matrix' in modes)) {
    const fixed = modes === 'matrix' ? {} : modes.matrix;
    validateModes(fixed);
    return selected.flatMap((scenario) => {
      const pairs = matrixModesOf(scenario).filter((pair) => (fixed.discovery ?? pair.discovery) === pair.discovery && (fixed.auth ?? pair.auth) === pair.auth);
      return pairs.length > 0 ? pairs.map((pair) => ({ scenario, modes: pair })) : [{ scenario, modes: defaultModes, skip: 'it allows no mode combination asked for' }];
    });
  }
  const single = validateModes(modes ?? {});
  return selected.map((scenario) => (fitsModes(scenario, single) ? { scenario, modes: single } : { scenario, modes: single, skip: `it does not run in discovery ${single.discovery} · auth ${single.auth}` }));
}

/**
 * Runs scenarios, each scenario × modes combination on a topology of its shape, at most
 * `parallel` at once: a fresh one in a fresh temp data dir, or one an earlier run of the same
 * shape passed and left unchanged (see TopologyPool; a scenario with `topology.fresh` always
 * gets a new one). Emits run.start, then per run scenario.start, scenario.ready,
 * step.start/step.end/measure, scenario.end (skipped runs emit only scenario.end), then run.end.
 * Resolves with every result; a failing scenario does not reject.
 */
export async function runScenarios(options: RunScenariosOptions): Promise<RunResult> {
  const parallel = options.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) throw runtimeError('CONFIG_INVALID', { message: `Expected the \`parallel\` option to be a positive integer, got ${String(parallel)}.` });
  const plan = planRuns(options.scenarios, options.modes, options.filter);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let listenerError: unknown;
  const emit = (event: RunEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      // A reporter's bug must not fail a scenario; it surfaces once the run is cleaned up.
      listenerError ??= error;
    }
  };
  emit({ type: 'run.start', total: plan.length, parallel });
  const results: ScenarioRunResult[] = new Array(plan.length);
  const startTopology = options.startTopology ?? startRealTopology;
  const pool = createTopologyPool({
    startTopology,
    // One idle topology per worker at most; kept data dirs are the runs' own, never shared.
    maxIdle: options.keepData || options.isolate ? 0 : parallel,
    ...(options.tmpDir === undefined ? {} : { tmpDir: options.tmpDir }),
  });
  // A scenario's own `topology.backends` win over the run's.
  const topologyDefaultsOf = (scenario: Scenario) => ({ ...options.topologyDefaults, backends: { ...options.backends, ...scenario.topology?.backends } });
  let failed = false;
  let next = 0;

  const runPlanned = async ({ scenario, modes, skip }: PlannedRun): Promise<ScenarioRunResult> => {
    const topologyDefaults = topologyDefaultsOf(scenario);
    const { backends } = topologyDefaults;
    const reason =
      skip ??
      (options.signal?.aborted ? 'the run was interrupted' : options.bail && failed ? 'an earlier scenario failed (bail)' : skipForMissingBackend(backends, options.topologyDefaults?.manifest ?? serviceManifest, options.requirePrograms));
    if (reason !== undefined) {
      const result = skippedResult(scenario, modes, reason);
      emit({ type: 'scenario.end', ...result });
      return result;
    }
    const result = await runOneScenario({
      scenario,
      modes,
      emit,
      pool,
      startTopology,
      ...(options.tmpDir === undefined ? {} : { tmpDir: options.tmpDir }),
      ...(options.keepData === undefined ? {} : { keepData: options.keepData }),
      topologyDefaults,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!result.ok) failed = true;
    return result;
  };
  // Runs of one topology shape (modes, replicas, limits…) one after another, so each can take
  // over the topology the previous one left; results stay in plan order.
  const order = plan.map((run, index) => ({ index, key: run.skip === undefined ? topologyShapeOf(run.scenario, run.modes, topologyDefaultsOf(run.scenario)).key : '' }));
  const firstOfKey = new Map<string, number>();
  for (const { index, key } of order) if (!firstOfKey.has(key)) firstOfKey.set(key, index);
  order.sort((a, b) => firstOfKey.get(a.key)! - firstOfKey.get(b.key)! || a.index - b.index);
  const worker = async () => {
    while (next < order.length) {
      const { index } = order[next++]!;
      results[index] = await runPlanned(plan[index]!);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, Math.max(plan.length, 1)) }, worker));
  } finally {
    await pool.close();
  }

  const count = (status: ScenarioRunResult['status']) => results.filter((result) => result.status === status).length;
  const summary = { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs: performance.now() - started };
  emit({ type: 'run.end', ...summary });
  if (listenerError !== undefined) throw listenerError;
  return { ok: summary.failed === 0, ...summary, startedAt, scenarios: results };
}

/**
 * Why a run cannot start here: a program its backends need is not installed. The run is then
 * skipped — unless `requirePrograms` (CI installs them), when it runs and fails.
 */
function skipForMissingBackend(backends: BackendOptions, manifest: readonly ServiceSpec[], requirePrograms = false): string | undefined {
  if (requirePrograms) return undefined;
  let missing;
  try {
    missing = missingBackend(backends, manifest);
  } catch {
    // Invalid backends fail the run itself, with their error in its result.
    return undefined;
  }
  return missing && `it needs ${String(missing.details?.binary)}, which is not installed (${missing.hint ?? ''})`;
}

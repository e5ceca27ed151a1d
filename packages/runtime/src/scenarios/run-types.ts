import type { TopologyModes } from '@topolab/services/contract';
import type { RecordedRequest } from './dsl.js';

/** Why a step or a scenario failed, safe to print and to serialise (secrets the context handled are redacted). */
export interface ScenarioErrorInfo {
  /** A TopolabError code (`SCENARIO_ASSERTION_FAILED`, `SCENARIO_WAIT_TIMEOUT`, `CLIENT_UNREACHABLE`…) or the error's name (`TypeError`). */
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  /** The step it failed in, when it failed inside one. */
  readonly step?: string;
  /** `/home/ada/my.scenario.ts:12:5`: the first frame of the stack outside topolab. */
  readonly location?: string;
  readonly stack?: string;
  /** The last log lines of an instance that failed to start or crashed. */
  readonly lastLines?: readonly string[];
}

/** A figure a scenario recorded with `ctx.measure`. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  /** `ms`, `req/s`, `%`… */
  readonly unit: string;
  /** The step it was measured in. */
  readonly step?: string;
}

/** One narrated step as it ended. */
export interface StepResult {
  readonly title: string;
  /** 0 for a step of the scenario, 1 for a step inside a step, … */
  readonly depth: number;
  readonly ok: boolean;
  readonly durationMs: number;
  /** Every request made through `ctx.gateway(s)` inside the step, in the order they were sent. */
  readonly requests: readonly RecordedRequest[];
  readonly notes: readonly string[];
  readonly error?: ScenarioErrorInfo;
}

/**
 * How one scenario × modes run ended.
 * `passed`: every step held. `failed`: a step, the start-up or the timeout failed it.
 * `skipped`: its modes do not fit the requested ones, or `bail` stopped the run first.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

/** One scenario run in one mode combination. */
export interface ScenarioRunResult {
  readonly name: string;
  readonly summary: string;
  readonly modes: TopologyModes;
  readonly status: ScenarioStatus;
  readonly ok: boolean;
  /** Start-up, run and stop. */
  readonly durationMs: number;
  /** Time the topology took to be ready (0 when it was reused). */
  readonly readyMs?: number;
  /** The run got a topology an earlier run of the same shape and modes had left unchanged. */
  readonly reusedTopology?: true;
  readonly steps: readonly StepResult[];
  readonly figures: readonly Figure[];
  /** Notes made outside any step. */
  readonly notes: readonly string[];
  readonly error?: ScenarioErrorInfo;
  /** Why it was skipped. */
  readonly skipReason?: string;
  /** The data dir, when it was kept (`keepData`). */
  readonly dataDir?: string;
}

/** What runScenarios resolves with: everything reporters need (the JSON reporter writes it whole). */
export interface RunResult {
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** ISO time the run started. */
  readonly startedAt: string;
  /** In the order the runs were planned (scenario order, then mode order), whatever `parallel` did. */
  readonly scenarios: readonly ScenarioRunResult[];
}

/** Fields every event of one scenario run carries. */
interface ScenarioRef {
  /** The scenario's name. */
  readonly scenario: string;
  readonly modes: TopologyModes;
}

/** What a step or measure emits while a scenario runs (the context emits these). */
export type ScenarioActivityEvent =
  | ({ readonly type: 'step.start'; readonly title: string; readonly depth: number } & ScenarioRef)
  | ({ readonly type: 'step.end' } & StepResult & ScenarioRef)
  | ({ readonly type: 'measure' } & Figure & ScenarioRef);

/** Events of a run, in order, for live reporters. */
export type RunEvent =
  | { readonly type: 'run.start'; readonly total: number; readonly parallel: number }
  | { readonly type: 'scenario.start'; readonly name: string; readonly summary: string; readonly modes: TopologyModes }
  | { readonly type: 'scenario.ready'; readonly name: string; readonly modes: TopologyModes; readonly readyMs: number; readonly dataDir: string; readonly reused?: true }
  | ScenarioActivityEvent
  | ({ readonly type: 'scenario.end' } & ScenarioRunResult)
  | { readonly type: 'run.end'; readonly passed: number; readonly failed: number; readonly skipped: number; readonly durationMs: number };

/** Receives every run event. */
export type RunEventListener = (event: RunEvent) => void;

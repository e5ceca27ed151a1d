import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { runtimeError } from '../errors/error-codes.js';
import type { RecordedRequest } from './dsl.js';
import { describeError } from './describe-error.js';
import type { Figure, ScenarioErrorInfo, StepResult } from './run-types.js';
import type { SecretRegistry } from './secrets.js';

/** A step while it runs: requests fill in as they are answered and their hops arrive. */
interface ActiveStep {
  readonly title: string;
  readonly depth: number;
  readonly started: number;
  readonly requests: (RecordedRequest | undefined)[];
  readonly pending: Promise<void>[];
  readonly notes: string[];
  /** Set once its step.end was emitted (a timeout may end it before fn returns). */
  ended: boolean;
}

/** What the recorder reports as steps start and end. */
export type StepEvent =
  | { readonly type: 'step.start'; readonly title: string; readonly depth: number }
  | ({ readonly type: 'step.end' } & StepResult)
  | ({ readonly type: 'measure' } & Figure);

/** Records the steps, requests, notes and figures of one scenario run. */
export interface StepRecorder {
  /** Runs `fn` as a step (nested steps record their own requests); a throw fails the step and every later step. */
  step<T>(title: string, fn: () => Promise<T> | T): Promise<T>;
  /**
   * Registers a request started now in the current step (none outside a step); call the
   * returned function with the answer, and a promise of its hops.
   */
  startRequest(method: string, path: string): (request: Omit<RecordedRequest, 'method' | 'path' | 'hops'>, hops: Promise<RecordedRequest['hops']>) => void;
  note(text: string): void;
  measure(name: string, value: number, unit: string): void;
  /** Ends every running step as failed with `error` and refuses new steps (the scenario timed out). */
  abort(error: unknown): void;
  readonly steps: readonly StepResult[];
  readonly figures: readonly Figure[];
  /** Notes made outside any step. */
  readonly notes: readonly string[];
  /** The title of the innermost step running now. */
  readonly current: string | undefined;
  /** The error of the first failed step. */
  readonly failure: ScenarioErrorInfo | undefined;
}

/** Creates the recorder of one scenario run; every title, note and error passes through `secrets.redact`. */
export function createStepRecorder(options: { readonly secrets: SecretRegistry; readonly emit: (event: StepEvent) => void }): StepRecorder {
  const { secrets, emit } = options;
  const storage = new AsyncLocalStorage<ActiveStep>();
  const steps: StepResult[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  const active = new Set<ActiveStep>();
  let failure: ScenarioErrorInfo | undefined;
  let stopped: unknown;

  async function end(step: ActiveStep, error?: unknown): Promise<void> {
    const durationMs = performance.now() - step.started;
    await Promise.all(step.pending);
    finish(step, durationMs, error);
  }

  function finish(step: ActiveStep, durationMs: number, error?: unknown): void {
    if (step.ended) return;
    step.ended = true;
    active.delete(step);
    const result: StepResult = {
      title: secrets.redact(step.title),
      depth: step.depth,
      ok: error === undefined,
      durationMs,
      requests: step.requests.filter((request) => request !== undefined),
      notes: step.notes.map((text) => secrets.redact(text)),
      ...(error === undefined ? {} : { error: describeError(error, secrets.redact, step.title) }),
    };
    steps.push(result);
    failure ??= result.error;
    emit({ type: 'step.end', ...result });
  }

  return {
    async step<T>(title: string, fn: () => Promise<T> | T): Promise<T> {
      if (stopped !== undefined || failure !== undefined) {
        throw runtimeError('SCENARIO_STOPPED', { message: `Step "${secrets.redact(title)}" did not run: the scenario has already ${stopped === undefined ? 'failed' : 'timed out'}.` });
      }
      const parent = storage.getStore();
      const step: ActiveStep = { title, depth: parent ? parent.depth + 1 : 0, started: performance.now(), requests: [], pending: [], notes: [], ended: false };
      active.add(step);
      emit({ type: 'step.start', title: secrets.redact(title), depth: step.depth });
      let value: T;
      try {
        value = await storage.run(step, fn);
      } catch (error) {
        await end(step, error);
        throw error;
      }
      await end(step);
      return value;
    },
    startRequest(method, path) {
      const step = storage.getStore();
      const index = step ? step.requests.push(undefined) - 1 : -1;
      return (request, hops) => {
        if (!step) return;
        step.pending.push(hops.then((found) => {
          step.requests[index] = { method, path, ...request, hops: found };
        }));
      };
    },
    note(text) {
      const step = storage.getStore();
      (step ? step.notes : notes).push(String(text));
    },
    measure(name, value, unit) {
      if (stopped !== undefined) throw runtimeError('SCENARIO_STOPPED', { message: `measure("${secrets.redact(name)}") came after the scenario was stopped.` });
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`Expected measure("${name}") to get a finite number, got ${String(value)}`);
      const step = storage.getStore();
      const figure: Figure = { name: secrets.redact(name), value, unit, ...(step ? { step: secrets.redact(step.title) } : {}) };
      figures.push(figure);
      emit({ type: 'measure', ...figure });
    },
    abort(error) {
      stopped = error;
      // Inner steps first; requests still waiting for their hops are left out.
      for (const step of [...active].sort((a, b) => b.depth - a.depth)) finish(step, performance.now() - step.started, error);
    },
    get current() {
      let innermost: ActiveStep | undefined;
      for (const step of active) if (!innermost || step.depth >= innermost.depth) innermost = step;
      return innermost === undefined ? undefined : secrets.redact(innermost.title);
    },
    steps,
    figures,
    get notes() {
      return notes.map((text) => secrets.redact(text));
    },
    get failure() {
      return failure;
    },
  };
}

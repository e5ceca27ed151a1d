import type { RunEvent, RunResult, TopologyModes } from '@topolab/runtime';
import type { Line } from './narration.js';
import { createRunLines, runKey } from './run-lines.js';

/** A scenario run in progress, for the live part of the pretty reporter. */
export interface RunningScenario {
  readonly name: string;
  readonly modes: TopologyModes;
  /** `Date.now()` when it started. */
  readonly startedAt: number;
  /** The innermost step running now. */
  readonly step?: { readonly title: string; readonly startedAt: number };
  /** Whether its topology is ready. */
  readonly ready: boolean;
}

/** A finished line, with a key for ink's `<Static>`. */
export interface KeyedLine {
  readonly key: number;
  readonly line: Line;
}

/** What the pretty reporter shows: finished lines (written once) and the runs in progress. */
export interface RunStoreState {
  readonly lines: readonly KeyedLine[];
  readonly running: readonly RunningScenario[];
  readonly finished: boolean;
}

/** Turns run events into the pretty reporter's state; subscribers hear every change. */
export interface RunStore {
  readonly state: () => RunStoreState;
  subscribe(listener: () => void): () => void;
  apply(event: RunEvent): void;
  finish(result: RunResult): void;
}

/** Creates an empty store; `now` is injectable for tests. */
export function createRunStore(now: () => number = Date.now): RunStore {
  let state: RunStoreState = { lines: [], running: [], finished: false };
  let nextKey = 0;
  const listeners = new Set<() => void>();
  const set = (next: Partial<RunStoreState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };
  const lines = createRunLines((added) => set({ lines: [...state.lines, ...added.map((line) => ({ key: nextKey++, line }))] }));
  const update = (name: string, modes: TopologyModes, change: (run: RunningScenario) => RunningScenario) =>
    set({ running: state.running.map((run) => (runKey(run.name, run.modes) === runKey(name, modes) ? change(run) : run)) });

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(event) {
      switch (event.type) {
        case 'scenario.start':
          set({ running: [...state.running, { name: event.name, modes: event.modes, startedAt: now(), ready: false }] });
          break;
        case 'scenario.ready':
          update(event.name, event.modes, (run) => ({ ...run, ready: true }));
          break;
        case 'step.start':
          update(event.scenario, event.modes, (run) => ({ ...run, step: { title: event.title, startedAt: now() } }));
          break;
        case 'step.end':
          update(event.scenario, event.modes, ({ step: _finished, ...run }) => run);
          break;
        case 'scenario.end': {
          const key = runKey(event.name, event.modes);
          set({ running: state.running.filter((run) => runKey(run.name, run.modes) !== key) });
          break;
        }
        default:
          break;
      }
      lines.apply(event);
    },
    finish(result) {
      lines.finish(result);
      set({ running: [], finished: true });
    },
  };
}

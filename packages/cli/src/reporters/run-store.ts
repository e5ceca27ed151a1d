import type { RunEvent, RunResult, TopologyModes } from '@topolab/runtime';
import { formatDuration, scenarioEndLines, scenarioHeaderLines, shortModes, stepLines, topologyReadyLines, type Line } from './narration.js';
import { figureLines, totalLines } from './summary.js';

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
  let buffered = false;
  const held = new Map<string, Line[]>();
  const listeners = new Set<() => void>();
  const keyOf = (name: string, modes: TopologyModes) => `${name} ${shortModes(modes)}`;
  const set = (next: Partial<RunStoreState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };
  const add = (lines: readonly Line[]) => set({ lines: [...state.lines, ...lines.map((line) => ({ key: nextKey++, line }))] });
  const out = (key: string, lines: readonly Line[]) => {
    if (buffered) held.set(key, [...(held.get(key) ?? []), ...lines]);
    else add(lines);
  };
  const update = (name: string, modes: TopologyModes, change: (run: RunningScenario) => RunningScenario) =>
    set({ running: state.running.map((run) => (keyOf(run.name, run.modes) === keyOf(name, modes) ? change(run) : run)) });

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(event) {
      switch (event.type) {
        case 'run.start':
          buffered = event.parallel > 1;
          add([[{ text: `running ${event.total} scenario run${event.total === 1 ? '' : 's'}${event.parallel > 1 ? `, ${event.parallel} at once` : ''}`, tone: 'dim' }], []]);
          return;
        case 'scenario.start':
          set({ running: [...state.running, { name: event.name, modes: event.modes, startedAt: now(), ready: false }] });
          out(keyOf(event.name, event.modes), scenarioHeaderLines(event.name, event.summary, event.modes));
          return;
        case 'scenario.ready':
          update(event.name, event.modes, (run) => ({ ...run, ready: true }));
          out(keyOf(event.name, event.modes), topologyReadyLines(event));
          return;
        case 'step.start':
          update(event.scenario, event.modes, (run) => ({ ...run, step: { title: event.title, startedAt: now() } }));
          return;
        case 'step.end':
          update(event.scenario, event.modes, ({ step: _finished, ...run }) => run);
          out(keyOf(event.scenario, event.modes), stepLines(event));
          return;
        case 'scenario.end': {
          const key = keyOf(event.name, event.modes);
          set({ running: state.running.filter((run) => keyOf(run.name, run.modes) !== key) });
          out(key, [...scenarioEndLines(event), []]);
          if (buffered) add(held.get(key) ?? []);
          held.delete(key);
          return;
        }
        default:
          return;
      }
    },
    finish(result) {
      const figures = figureLines(result);
      add([...figures, ...(figures.length > 0 ? [[]] : []), ...totalLines(result)]);
      set({ running: [], finished: true });
    },
  };
}

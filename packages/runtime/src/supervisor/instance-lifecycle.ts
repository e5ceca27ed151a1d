import { createStateMachine, nextState, type TransitionTarget } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceState } from './instance-state.js';

/**
 * Where an instance is in its life. The same as its InstanceState, except that a paused instance
 * remembers what it was paused in, so SIGCONT takes it back there.
 */
export type LifecyclePhase =
  | Exclude<InstanceState, 'paused'>
  /** Frozen by SIGSTOP before it reported ready. */
  | 'paused-starting'
  /** Frozen by SIGSTOP after it reported ready (or it reported ready while frozen). */
  | 'paused-ready';

/** What happens to an instance. */
export type LifecycleEvent =
  /** It sent its `ready` message. */
  | 'ready'
  /** The supervisor sent SIGSTOP. */
  | 'pause'
  /** The supervisor sent SIGCONT. */
  | 'resume'
  /** The supervisor asked it to stop (SIGTERM, then SIGKILL after the grace period). */
  | 'stop'
  /** The process is gone, as the supervisor expected (it stopped it, or was told to expect it). */
  | 'exit'
  /** The process is gone unasked (a crash, a kill fault, a failed start). */
  | 'crash';

/**
 * Every transition of an instance's life. An event missing from a phase's row is refused:
 * `transition` throws, since the supervisor must never send it there.
 */
export const instanceTransitions = Object.freeze({
  starting: { ready: 'ready', pause: 'paused-starting', resume: 'stay', stop: 'stopping', exit: 'exited', crash: 'crashed' },
  ready: { ready: 'stay', pause: 'paused-ready', resume: 'stay', stop: 'stopping', exit: 'exited', crash: 'crashed' },
  'paused-starting': { ready: 'paused-ready', pause: 'stay', resume: 'starting', stop: 'stopping', exit: 'exited', crash: 'crashed' },
  'paused-ready': { ready: 'stay', pause: 'stay', resume: 'ready', stop: 'stopping', exit: 'exited', crash: 'crashed' },
  // A stop was asked for: whatever ends the process now is the exit that was asked for.
  stopping: { ready: 'stay', pause: 'stay', resume: 'stay', stop: 'stay', exit: 'exited' },
  exited: {},
  crashed: {},
} as const satisfies Record<LifecyclePhase, Partial<Record<LifecycleEvent, TransitionTarget<LifecyclePhase>>>>);

/** The state an instance in `phase` shows (in `info()`, events, the dashboards). */
export function visibleState(phase: LifecyclePhase): InstanceState {
  return phase === 'paused-starting' || phase === 'paused-ready' ? 'paused' : phase;
}

/** Where `event` takes an instance in `phase`: the next phase, `stay`, or undefined when refused. */
export function nextPhase(phase: LifecyclePhase, event: LifecycleEvent): TransitionTarget<LifecyclePhase> | undefined {
  return nextState<LifecyclePhase, LifecycleEvent>(instanceTransitions, phase, event);
}

/** One instance's lifecycle. */
export interface InstanceLifecycle {
  readonly phase: LifecyclePhase;
  /** The visible state of the phase. */
  readonly state: InstanceState;
  /** Whether it has not reported ready yet (paused or not). */
  readonly starting: boolean;
  /** Applies `event`; throws on a transition the table does not declare. */
  transition(event: LifecycleEvent): void;
}

/** Options of createInstanceLifecycle. */
export interface InstanceLifecycleOptions {
  /** Names the instance in a refused transition's error. */
  readonly instanceId: string;
  /** Called when the visible state changes (not on `stay`, nor between two paused phases). */
  readonly onStateChange: (state: InstanceState, previous: InstanceState) => void;
}

/** A lifecycle in phase `starting` that moves only along instanceTransitions. */
export function createInstanceLifecycle(options: InstanceLifecycleOptions): InstanceLifecycle {
  const machine = createStateMachine<LifecyclePhase, LifecycleEvent>({
    table: instanceTransitions,
    initial: 'starting',
    refuse: (phase, event) =>
      runtimeError('INTERNAL', {
        message: `${options.instanceId}: the supervisor cannot apply '${event}' to an instance in phase '${phase}'.`,
        details: { instanceId: options.instanceId, phase, event },
      }),
    onTransition: (to, from) => {
      const [state, previous] = [visibleState(to), visibleState(from)];
      if (state !== previous) options.onStateChange(state, previous);
    },
  });
  return {
    get phase() {
      return machine.state;
    },
    get state() {
      return visibleState(machine.state);
    },
    get starting() {
      return machine.state === 'starting' || machine.state === 'paused-starting';
    },
    transition: (event) => void machine.transition(event),
  };
}

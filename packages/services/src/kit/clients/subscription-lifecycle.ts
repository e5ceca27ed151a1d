import { createStateMachine, nextState, type TransitionTarget } from '../../contract/state-machine.js';

/**
 * Where a bus subscription is. Both transports (the embedded bus over SSE, a Redis stream) go
 * through the same phases; only what "the stream" is differs.
 */
export type SubscriptionPhase =
  /** Fixing the seq to resume after (token, backlog head, epoch). */
  | 'preparing'
  /** The stream was asked for; no answer yet. */
  | 'opening'
  /** Streaming: messages arrive as they are published. */
  | 'connected'
  /** A backoff delay before preparing again. */
  | 'waiting'
  /** Closed by its owner: nothing happens any more. */
  | 'closed';

/** What happens to a subscription. */
export type SubscriptionEvent =
  /** The seq to resume after is known. */
  | 'prepared'
  /** The stream answered: messages flow. */
  | 'opened'
  /** Preparing or the stream failed (broke, went silent, was refused, no instance listed). */
  | 'failed'
  /** The backoff delay is over. */
  | 'retry'
  /** The owner closed it. */
  | 'close';

/**
 * Every transition of a subscription. An event missing from a phase's row is refused. A closed
 * subscription swallows what its last connection still reports.
 */
export const subscriptionTransitions = Object.freeze({
  preparing: { prepared: 'opening', failed: 'waiting', close: 'closed' },
  opening: { opened: 'connected', failed: 'waiting', close: 'closed' },
  connected: { failed: 'waiting', close: 'closed' },
  waiting: { retry: 'preparing', close: 'closed' },
  closed: { prepared: 'stay', opened: 'stay', failed: 'stay', retry: 'stay', close: 'stay' },
} as const satisfies Record<SubscriptionPhase, Partial<Record<SubscriptionEvent, TransitionTarget<SubscriptionPhase>>>>);

/** Where `event` takes a subscription in `phase`: the next phase, `stay`, or undefined when refused. */
export function nextSubscriptionPhase(phase: SubscriptionPhase, event: SubscriptionEvent): TransitionTarget<SubscriptionPhase> | undefined {
  return nextState<SubscriptionPhase, SubscriptionEvent>(subscriptionTransitions, phase, event);
}

/** One subscription's phase, moved only along subscriptionTransitions. */
export interface SubscriptionLifecycle {
  readonly phase: SubscriptionPhase;
  /** Times it entered `preparing` (1 during the first attempt). */
  readonly attempts: number;
  /** Applies `event` and returns the phase it left; throws on a transition the table does not declare. */
  transition(event: SubscriptionEvent): SubscriptionPhase;
}

/** A subscription lifecycle in phase `preparing` (its first attempt). */
export function createSubscriptionLifecycle(topic: string): SubscriptionLifecycle {
  let attempts = 1;
  const machine = createStateMachine<SubscriptionPhase, SubscriptionEvent>({
    table: subscriptionTransitions,
    initial: 'preparing',
    // A bug in the subscription, never a state of the bus: fail loudly.
    refuse: (phase, event) => new Error(`bus subscription to ${topic}: '${event}' is not a transition of phase '${phase}'`),
    onTransition: (to) => {
      if (to === 'preparing') attempts += 1;
    },
  });
  return {
    get phase() {
      return machine.state;
    },
    get attempts() {
      return attempts;
    },
    transition: (event) => machine.transition(event),
  };
}

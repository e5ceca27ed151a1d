// A small table-driven state machine, shared by the supervisor's instance lifecycle (runtime)
// and the bus subscriptions (kit). No imports: it is safe in any process and in a browser.

/** Where an event leads: the next state, or `stay` (a declared no-op: the event means nothing there). */
export type TransitionTarget<S extends string> = S | 'stay';

/** Every transition, by state then event. An event missing from a state's row is refused. */
export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, TransitionTarget<S>>>>>>;

/** Where `event` takes a machine in `state`: the next state, `stay`, or undefined when the table refuses it. */
export function nextState<S extends string, E extends string>(table: TransitionTable<S, E>, state: S, event: E): TransitionTarget<S> | undefined {
  const row: Readonly<Partial<Record<E, TransitionTarget<S>>>> = table[state];
  return row[event];
}

/** Options of createStateMachine. */
export interface StateMachineOptions<S extends string, E extends string> {
  readonly table: TransitionTable<S, E>;
  readonly initial: S;
  /** The error thrown for a transition the table does not declare (a bug of the caller). */
  readonly refuse: (state: S, event: E) => Error;
  /** Called after each change of state (not on `stay`). */
  readonly onTransition?: (to: S, from: S, event: E) => void;
}

/** A state that moves only along its table. */
export interface StateMachine<S extends string, E extends string> {
  readonly state: S;
  /** Applies `event` and returns the state it left; throws `refuse(…)` on an undeclared transition. */
  transition(event: E): S;
}

/** A machine in `initial` that refuses every transition its table does not declare. */
export function createStateMachine<S extends string, E extends string>(options: StateMachineOptions<S, E>): StateMachine<S, E> {
  let state = options.initial;
  return {
    get state() {
      return state;
    },
    transition(event) {
      const target = nextState(options.table, state, event);
      if (target === undefined) throw options.refuse(state, event);
      const from = state;
      if (target === 'stay') return from;
      state = target;
      options.onTransition?.(target, from, event);
      return from;
    },
  };
}

/**
 * Every state reachable from `initial`, each with the shortest list of events that leads there
 * (breadth first over `events`): what a test walks to try every transition of a table.
 */
export function reachableStates<S extends string, E extends string>(table: TransitionTable<S, E>, initial: S, events: readonly E[]): Map<S, E[]> {
  const paths = new Map<S, E[]>([[initial, []]]);
  const queue: S[] = [initial];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const event of events) {
      const target = nextState(table, state, event);
      if (target === undefined || target === 'stay' || paths.has(target)) continue;
      paths.set(target, [...paths.get(state)!, event]);
      queue.push(target);
    }
  }
  return paths;
}

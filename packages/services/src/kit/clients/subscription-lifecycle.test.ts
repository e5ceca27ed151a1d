import { describe, expect, it } from 'vitest';
import { reachableStates } from '../../contract/state-machine.js';
import {
  createSubscriptionLifecycle,
  nextSubscriptionPhase,
  subscriptionTransitions,
  type SubscriptionEvent,
  type SubscriptionPhase,
} from './subscription-lifecycle.js';

const phases = Object.keys(subscriptionTransitions) as SubscriptionPhase[];
const events: SubscriptionEvent[] = ['prepared', 'opened', 'failed', 'retry', 'close'];

/** The shortest event path from `preparing` to each phase, found by walking the table. */
const pathsToPhases = () => reachableStates(subscriptionTransitions, 'preparing', events);

function lifecycleAt(phase: SubscriptionPhase) {
  const lifecycle = createSubscriptionLifecycle('token.revoked');
  for (const event of pathsToPhases().get(phase)!) lifecycle.transition(event);
  expect(lifecycle.phase).toBe(phase);
  return lifecycle;
}

describe('bus subscription lifecycle', () => {
  it('reaches every phase of the table from preparing', () => {
    expect([...pathsToPhases().keys()].sort()).toEqual([...phases].sort());
  });

  const declared = phases.flatMap((phase) => events.filter((event) => nextSubscriptionPhase(phase, event) !== undefined).map((event) => [phase, event] as const));
  it.each(declared)('applies %s + %s as the table says, returning the phase it left', (phase, event) => {
    const lifecycle = lifecycleAt(phase);
    const target = nextSubscriptionPhase(phase, event)!;
    expect(lifecycle.transition(event)).toBe(phase);
    expect(lifecycle.phase).toBe(target === 'stay' ? phase : target);
  });

  const refused = phases.flatMap((phase) => events.filter((event) => nextSubscriptionPhase(phase, event) === undefined).map((event) => [phase, event] as const));
  it.each(refused)('refuses %s + %s and stays put', (phase, event) => {
    const lifecycle = lifecycleAt(phase);
    expect(() => lifecycle.transition(event)).toThrow(/not a transition/);
    expect(lifecycle.phase).toBe(phase);
  });

  it('closes from every phase, and a closed one swallows every event', () => {
    for (const phase of phases) expect(nextSubscriptionPhase(phase, 'close')).toBe(phase === 'closed' ? 'stay' : 'closed');
    for (const event of events) expect(nextSubscriptionPhase('closed', event)).toBe('stay');
  });

  it('counts its attempts: one per entry into preparing', () => {
    const lifecycle = createSubscriptionLifecycle('token.revoked');
    expect(lifecycle.attempts).toBe(1);
    for (const event of ['failed', 'retry', 'prepared', 'opened', 'failed', 'retry'] as const) lifecycle.transition(event);
    expect([lifecycle.phase, lifecycle.attempts]).toEqual(['preparing', 3]);
  });
});

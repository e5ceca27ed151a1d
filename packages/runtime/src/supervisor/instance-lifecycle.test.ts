import { describe, expect, it } from 'vitest';
import { reachableStates } from '@topolab/services/contract';
import { isTopolabError } from '../errors/topolab-error.js';
import {
  createInstanceLifecycle,
  instanceTransitions,
  nextPhase,
  visibleState,
  type LifecycleEvent,
  type LifecyclePhase,
} from './instance-lifecycle.js';
import type { InstanceState } from './instance-state.js';

const phases = Object.keys(instanceTransitions) as LifecyclePhase[];
const events: LifecycleEvent[] = ['ready', 'pause', 'resume', 'stop', 'exit', 'crash'];

/** The shortest event path from `starting` to each phase, found by walking the table. */
const pathsToPhases = () => reachableStates(instanceTransitions, 'starting', events);

/** A lifecycle driven along `path`, recording the visible state changes. */
function lifecycleAt(path: readonly LifecycleEvent[]) {
  const changes: [InstanceState, InstanceState][] = [];
  const lifecycle = createInstanceLifecycle({ instanceId: 'profile#1', onStateChange: (state, previous) => changes.push([state, previous]) });
  for (const event of path) lifecycle.transition(event);
  changes.length = 0;
  return { lifecycle, changes };
}

describe('instance lifecycle', () => {
  it('reaches every phase of the table from starting', () => {
    expect([...pathsToPhases().keys()].sort()).toEqual([...phases].sort());
  });

  const declared = phases.flatMap((phase) => events.filter((event) => nextPhase(phase, event) !== undefined).map((event) => [phase, event] as const));
  it.each(declared)('applies %s + %s as the table says', (phase, event) => {
    const { lifecycle, changes } = lifecycleAt(pathsToPhases().get(phase)!);
    expect(lifecycle.phase).toBe(phase);
    const target = nextPhase(phase, event)!;
    lifecycle.transition(event);
    const expected = target === 'stay' ? phase : target;
    expect(lifecycle.phase).toBe(expected);
    // Listeners hear a visible change only: not a `stay`, nor paused-starting → paused-ready.
    const visibleChange = visibleState(expected) !== visibleState(phase);
    expect(changes).toEqual(visibleChange ? [[visibleState(expected), visibleState(phase)]] : []);
  });

  const refused = phases.flatMap((phase) => events.filter((event) => nextPhase(phase, event) === undefined).map((event) => [phase, event] as const));
  it.each(refused)('refuses %s + %s and stays put', (phase, event) => {
    const { lifecycle, changes } = lifecycleAt(pathsToPhases().get(phase)!);
    let thrown: unknown;
    try {
      lifecycle.transition(event);
    } catch (error) {
      thrown = error;
    }
    expect(isTopolabError(thrown) && thrown.code).toBe('INTERNAL');
    expect(lifecycle.phase).toBe(phase);
    expect(changes).toEqual([]);
  });

  it('ends in exited or crashed, from which nothing leads on', () => {
    for (const end of ['exited', 'crashed'] as const) expect(instanceTransitions[end]).toEqual({});
    expect(refused.length).toBeGreaterThan(0);
  });

  it('takes a paused instance back to what it was paused in', () => {
    const { lifecycle } = lifecycleAt(['pause']);
    expect([lifecycle.state, lifecycle.starting]).toEqual(['paused', true]);
    lifecycle.transition('ready');
    expect([lifecycle.state, lifecycle.starting]).toEqual(['paused', false]);
    lifecycle.transition('resume');
    expect(lifecycle.state).toBe('ready');
  });
});

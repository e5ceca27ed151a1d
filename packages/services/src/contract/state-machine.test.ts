import { describe, expect, it } from 'vitest';
import { createStateMachine, nextState, reachableStates, type TransitionTable } from './state-machine.js';

type Light = 'off' | 'on' | 'broken';
type Press = 'press' | 'smash';
const table: TransitionTable<Light, Press> = {
  off: { press: 'on', smash: 'broken' },
  on: { press: 'off', smash: 'broken' },
  broken: { press: 'stay' },
};

describe('state machine', () => {
  it('moves along its table, tells each change, and stays silent on a declared no-op', () => {
    const seen: string[] = [];
    const machine = createStateMachine({ table, initial: 'off', refuse: () => new Error('refused'), onTransition: (to, from, event) => seen.push(`${from} -${event}-> ${to}`) });
    expect(machine.transition('press')).toBe('off');
    expect(machine.transition('smash')).toBe('on');
    expect(machine.transition('press')).toBe('broken');
    expect(machine.state).toBe('broken');
    expect(seen).toEqual(['off -press-> on', 'on -smash-> broken']);
  });

  it('refuses an undeclared transition with the caller’s error and keeps its state', () => {
    const machine = createStateMachine({ table, initial: 'broken', refuse: (state, event) => new Error(`${event} in ${state}`) });
    expect(() => machine.transition('smash')).toThrow('smash in broken');
    expect(machine.state).toBe('broken');
    expect(nextState(table, 'broken', 'smash')).toBeUndefined();
  });

  it('finds the shortest way to every reachable state', () => {
    expect(Object.fromEntries(reachableStates(table, 'off', ['press', 'smash']))).toEqual({ off: [], on: ['press'], broken: ['smash'] });
  });
});

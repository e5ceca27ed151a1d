import { describe, expect, it } from 'vitest';
import { planRounds, planThroughputRows } from './bench-plan.js';

describe('bench plan', () => {
  it('lists direct, nginx, bare-node, then every discovery × auth pair', () => {
    const rows = planThroughputRows({ discovery: ['client', 'server'], auth: ['local', 'none'], backends: [] });
    expect(rows.map((row) => row.id)).toEqual(['direct', 'nginx', 'bare-node', 'client/local', 'client/none', 'server/local', 'server/none']);
    expect(rows[4]).toEqual({ id: 'client/none', kind: 'gateway', modes: { discovery: 'client', auth: 'none' } });
  });

  it('adds the pairs that exercise a real backend on every request: global auth on Redis, server discovery through nginx', () => {
    const rows = planThroughputRows({ discovery: ['client', 'server'], auth: ['local', 'global'], backends: ['redis', 'nginx'] });
    expect(rows.map((row) => row.id)).toEqual([
      'direct',
      'nginx',
      'bare-node',
      'client/local',
      'client/global',
      'server/local',
      'server/global',
      'client/global+redis',
      'server/local+nginx',
      'server/global+redis+nginx',
    ]);
    expect(rows.at(-1)).toEqual({ id: 'server/global+redis+nginx', kind: 'gateway', modes: { discovery: 'server', auth: 'global' }, backends: ['redis', 'nginx'] });
    expect(planThroughputRows({ discovery: ['client'], auth: ['local'], backends: ['redis', 'nginx'] }).map((row) => row.id)).toEqual(['direct', 'nginx', 'bare-node', 'client/local']);
  });

  it('runs every row once per round, rounds one after the other', () => {
    const ids = ['direct', 'nginx', 'client/local', 'client/remote'];
    const plan = planRounds(ids, 3);
    expect(plan).toHaveLength(3);
    for (const round of plan) expect([...round].sort()).toEqual([...ids].sort());
  });

  it('starts each round one row later, so no row always runs first', () => {
    const plan = planRounds(['a', 'b', 'c'], 4);
    expect(plan).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });

  it('refuses a round count that is not a positive integer', () => {
    expect(() => planRounds(['a'], 0)).toThrow(RangeError);
    expect(() => planRounds(['a'], 1.5)).toThrow(RangeError);
  });
});

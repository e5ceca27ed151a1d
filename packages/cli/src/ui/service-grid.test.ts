import type { InstanceView } from '@topolab/runtime/topology';
import { describe, expect, it } from 'vitest';
import { groupInstances, layoutServiceGrid, visibleGridLines } from './service-grid.js';

function instance(id: string, overrides: Partial<InstanceView> = {}): InstanceView {
  const [service, index] = id.split('#') as [string, string];
  return { id, service, index: Number(index), state: 'ready', zombie: false, registered: true, ...overrides } as InstanceView;
}

/** The instances of `topolab up` by default, in start order (15). */
const defaultIds = ['registry#1', 'sms#1', 'auth#1', 'profile#1', 'profile#2', 'mail#1', 'chat#1', 'chat#2', 'graphql#1', 'bus#1', 'cache#1', 'lb#1', 'sidecar#1', 'gateway#1', 'dns#1'];

const cellsOf = (grid: ReturnType<typeof layoutServiceGrid>) => grid.lines.map((line) => line.map((group) => `${group.service}:${group.instances.map((i) => i.index).join(',')}`));

describe('groupInstances and layoutServiceGrid', () => {
  it('groups instances by service in start order, a scaled-up instance with its service', () => {
    const groups = groupInstances([...defaultIds.slice(0, 6).map((id) => instance(id)), instance('profile#3')]);
    expect(groups.map((group) => [group.service, group.instances.map((i) => i.id)])).toEqual([
      ['registry', ['registry#1']],
      ['sms', ['sms#1']],
      ['auth', ['auth#1']],
      ['profile', ['profile#1', 'profile#2', 'profile#3']],
      ['mail', ['mail#1']],
    ]);
  });

  it('puts the default topology in two columns at 80 columns, filled top to bottom', () => {
    const grid = layoutServiceGrid(groupInstances(defaultIds.map((id) => instance(id))), 80);
    expect(grid.lines).toHaveLength(7);
    expect(cellsOf(grid)[0]).toEqual(['registry:1', 'bus:1']);
    expect(cellsOf(grid)[3]).toEqual(['profile:1,2', 'sidecar:1']);
    expect(cellsOf(grid)[6]).toEqual(['graphql:1']);
    expect(2 * grid.cellWidth + 2).toBeLessThanOrEqual(80);
  });

  it('takes one column when a service is too wide for two, and as many as fit on a wide terminal', () => {
    const wide = [...defaultIds.map((id) => instance(id)), ...[3, 4, 5].map((n) => instance(`profile#${n}`, { state: 'starting' }))];
    expect(layoutServiceGrid(groupInstances(wide), 80).lines).toHaveLength(13);
    expect(layoutServiceGrid(groupInstances(defaultIds.map((id) => instance(id))), 140).lines).toHaveLength(4);
  });

  it('shows the lines around the selected instance when the grid is taller than its room', () => {
    const grid = layoutServiceGrid(groupInstances(defaultIds.map((id) => instance(id))), 30);
    expect(visibleGridLines(grid, 20, 'dns#1').lines).toHaveLength(13);
    const around = visibleGridLines(grid, 3, 'chat#2');
    expect(around.lines.map((line) => line[0]!.service)).toEqual(['mail', 'chat', 'graphql']);
    expect(visibleGridLines(grid, 3, 'dns#1').lines.map((line) => line[0]!.service)).toEqual(['sidecar', 'gateway', 'dns']);
  });
});

import type { InstanceView } from '@topolab/runtime/topology';
import { describe, expect, it } from 'vitest';
import { describeEvent, formatScale, instanceCells, instanceCondition } from './format.js';

describe('describeEvent', () => {
  it('describes mode switches, faults and scales in one line', () => {
    expect(describeEvent({ type: 'topology.modes', time: 0, modes: { discovery: 'server', auth: 'local' }, previous: { discovery: 'client', auth: 'local' } })).toBe(
      'modes: discovery server · auth local (was discovery client · auth local)',
    );
    expect(describeEvent({ type: 'topology.fault', time: 0, action: 'zombie', target: 'profile#2', detail: 'serves on' })).toBe('zombie profile#2 · serves on');
    expect(describeEvent({ type: 'event', time: 0, instanceId: 'gateway#1', service: 'gateway', name: 'gateway.modes', data: { discovery: 'server', auth: 'remote' } })).toContain(
      'switched to discovery server · auth remote',
    );
  });

  it('says how long nginx took to route by a registry change', () => {
    const reloaded = { type: 'event' as const, time: 0, instanceId: 'nginx-sync#1', service: 'nginx-sync', name: 'nginx.reloaded', data: { generation: 5, catalogVersion: 9, change: 'evicted profile#2', lagMs: 11.4, reloadMs: 8.96 } };
    expect(describeEvent(reloaded)).toBe('nginx-sync#1 nginx.conf generation 5 for evicted profile#2: nginx routes by it 11 ms after the registry change (reload 9.0 ms)');
  });

  it('formats a scale result', () => {
    expect(formatScale({ service: 'profile', previous: 2, replicas: 3, started: ['profile#3'], stopped: [] })).toBe('scale profile 2 → 3 · started profile#3');
    expect(formatScale({ service: 'profile', previous: 2, replicas: 2, started: [], stopped: [] })).toBe('scale profile 2 → 2 · nothing to do');
  });
});

describe('instanceCells', () => {
  it('shows a ready zombie as zombie', () => {
    const view = { id: 'profile#2', service: 'profile', host: '127.0.5.2', port: 1, pid: 9, state: 'ready', zombie: true, registered: false, requests: 0, errors: 0, lastHeartbeat: undefined } as InstanceView;
    expect(instanceCells(view, 0)[3]).toBe('zombie');
    expect(instanceCells({ ...view, zombie: false }, 0)[3]).toBe('ready (not in registry)');
    expect(instanceCondition({ ...view, zombie: false })).toBe('unlisted');
    expect(instanceCondition({ ...view, zombie: false, service: 'registry' })).toBe('ready');
    expect(instanceCondition({ ...view, state: 'paused' })).toBe('paused');
  });
});

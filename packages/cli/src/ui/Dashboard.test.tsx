import { render } from 'ink-testing-library';
import type { InstanceView, TopologyEvent, TopologyEventListener } from '@topolab/runtime';
import { describe, expect, it, vi } from 'vitest';
import { Dashboard } from './Dashboard.js';

const now = Date.now();

function instance(id: string, overrides: Partial<InstanceView> = {}): InstanceView {
  const [service, index] = id.split('#') as [string, string];
  return {
    id,
    service,
    index: Number(index),
    host: `127.0.5.${index}`,
    port: 40000 + Number(index),
    pid: 1000 + Number(index),
    state: 'ready',
    condition: 'registered',
    startedAt: now - 5000,
    readyAt: now - 4000,
    exitedAt: undefined,
    exitCode: undefined,
    signal: undefined,
    logFile: `/tmp/${service}-${index}.log`,
    startAfter: [],
    kind: 'domain',
    requests: 7,
    errors: 0,
    lastHeartbeat: now - 200,
    registered: true,
    ...overrides,
  };
}

function fakeTopology(instances: InstanceView[]) {
  const listeners = new Set<TopologyEventListener>();
  return {
    emit: (event: TopologyEvent) => listeners.forEach((listener) => listener(event)),
    topology: {
      instances: () => instances,
      events: { subscribe: (listener: TopologyEventListener) => (listeners.add(listener), () => listeners.delete(listener)) },
      gatewayUrl: 'http://127.0.0.1:8080',
      readyMs: 812,
      timings: { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000 },
      dataDir: '/tmp/lab',
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Dashboard', () => {
  it('shows every instance with address, pid, state, heartbeat, requests and errors', () => {
    const { topology } = fakeTopology([instance('profile#1'), instance('profile#2', { state: 'crashed', pid: undefined, errors: 3 })]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    const frame = view.lastFrame() ?? '';
    expect(frame).toContain('http://127.0.0.1:8080');
    expect(frame).toMatch(/profile#1\s+127\.0\.5\.1:40001\s+1001\s+ready\s+0\.\d s ago\s+7\s+0/);
    expect(frame).toMatch(/profile#2\s+127\.0\.5\.2:40002\s+—\s+crashed/);
    view.unmount();
  });

  it('appends noteworthy events and leaves out spans', async () => {
    const { topology, emit } = fakeTopology([instance('profile#1')]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    emit({ type: 'event', time: now, instanceId: 'registry#1', service: 'registry', name: 'registry.evicted', data: { instanceId: 'profile#2' } });
    emit({ type: 'spans', time: now, instanceId: 'gateway#1', service: 'gateway', spans: [] });
    await tick();
    const frame = view.lastFrame() ?? '';
    expect(frame).toContain('evicted profile#2 (missed heartbeats)');
    view.unmount();
  });

  it('quits on q', async () => {
    const { topology } = fakeTopology([]);
    const onQuit = vi.fn();
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={onQuit} />);
    await tick();
    view.stdin.write('q');
    await tick();
    expect(onQuit).toHaveBeenCalledOnce();
    view.unmount();
  });
});

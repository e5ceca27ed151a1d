import { render } from 'ink-testing-library';
import { runtimeError, type InstanceView, type TopologyEvent, type TopologyEventListener, type TopologyModes } from '@topolab/runtime';
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
    endpoints: {},
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
    registers: true,
    zombie: false,
    ...overrides,
  };
}

/** A topology whose actions are spies; `refuse` makes setModes fail for one auth mode. */
function fakeTopology(instances: InstanceView[], refuse?: string) {
  const listeners = new Set<TopologyEventListener>();
  const modes: TopologyModes = { discovery: 'client', auth: 'remote' };
  const emit = (event: TopologyEvent) => listeners.forEach((listener) => listener(event));
  return {
    emit,
    topology: {
      instances: () => instances,
      events: { subscribe: (listener: TopologyEventListener) => (listeners.add(listener), () => listeners.delete(listener)) },
      gatewayUrl: 'http://127.0.0.1:8080',
      gatewayUrls: ['http://127.0.0.1:8080', 'http://127.0.0.1:8081'],
      readyMs: 812,
      timings: { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000 },
      dataDir: '/tmp/lab',
      options: { limits: { rateLimitRps: 50, rateLimitBurst: 100, blacklistThreshold: 20, blacklistWindowMs: 10_000, blacklistBlockMs: 30_000 } },
      modes: () => modes,
      setModes: vi.fn(async (change: Partial<TopologyModes>) => {
        if (change.auth === refuse) throw runtimeError('SUPERVISOR_COMMAND_FAILED', { message: `gateway#1 refused: ${refuse} auth is not built yet` });
        return { ...modes, ...change };
      }),
      fault: vi.fn(async (action: string, instanceId: string) => {
        if (instanceId === 'profile#3') throw runtimeError('SUPERVISOR_NOT_RUNNING', { message: 'profile#3 is not running (crashed).' });
        return { action, instanceId, detail: 'done' } as never;
      }),
      scale: vi.fn(async () => ({}) as never),
      serviceToken: vi.fn(async () => 'token'),
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

  it('shows the modes in the header and every key in the footer', () => {
    const { topology } = fakeTopology([instance('profile#1')]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    const frame = view.lastFrame() ?? '';
    expect(frame).toMatch(/discovery client · auth remote/);
    expect(frame).toContain('http://127.0.0.1:8080, http://127.0.0.1:8081');
    expect(frame).toContain('rate limit 50/s, burst 100 · blacklist 20 × 401/429 in 10 s → 30 s');
    for (const key of ['↑↓', 'k kill', 's stop', 'p pause/resume', 'r restart', 'z zombie', '+/- scale', 'd discovery', 'a auth', 'q quit']) expect(frame).toContain(key);
    view.unmount();
  });

  it('moves the selection with the arrows and injects faults into the selected instance', async () => {
    const { topology } = fakeTopology([instance('profile#1'), instance('profile#2', { state: 'paused' }), instance('auth#1', { zombie: true })]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    const frame = () => view.lastFrame() ?? '';
    await tick();
    expect(frame()).toMatch(/› profile#1/);
    const press = async (...keys: string[]) => {
      const calls = topology.fault.mock.calls.length;
      for (const key of keys) view.stdin.write(key);
      await vi.waitFor(() => expect(topology.fault.mock.calls.length).toBeGreaterThan(calls));
    };
    const select = async (arrow: string, id: string) => {
      view.stdin.write(arrow);
      await vi.waitFor(() => expect(frame()).toMatch(new RegExp(`› ${id}`)));
    };
    await press('k');
    await select('\u001B[B', 'profile#2');
    await press('p');
    await press('r');
    await press('s');
    await select('\u001B[B', 'auth#1');
    await press('z');
    await select('\u001B[A', 'profile#2');
    await select('\u001B[A', 'profile#1');
    await press('p');
    expect(topology.fault.mock.calls).toEqual([
      ['kill', 'profile#1'],
      ['resume', 'profile#2'],
      ['restart', 'profile#2'],
      ['stop', 'profile#2'],
      ['unzombie', 'auth#1'],
      ['pause', 'profile#1'],
    ]);
    view.unmount();
  });

  it('scales the selected service by one with + and -', async () => {
    const { topology } = fakeTopology([instance('profile#1'), instance('profile#2'), instance('profile#3', { state: 'crashed' })]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    await tick();
    view.stdin.write('+');
    await vi.waitFor(() => expect(topology.scale).toHaveBeenCalledTimes(1));
    view.stdin.write('-');
    await vi.waitFor(() => expect(topology.scale).toHaveBeenCalledTimes(2));
    expect(topology.scale.mock.calls).toEqual([
      ['profile', 3],
      ['profile', 1],
    ]);
    view.unmount();
  });

  it('cycles the modes, skipping one the gateways refused, and logs results and error codes', async () => {
    const { topology, emit } = fakeTopology([instance('profile#3', { state: 'crashed' })], 'local');
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    const frame = () => view.lastFrame() ?? '';
    await tick();
    view.stdin.write('a');
    await vi.waitFor(() => expect(frame()).toContain('✖ auth local: SUPERVISOR_COMMAND_FAILED'));
    view.stdin.write('a');
    await vi.waitFor(() => expect(topology.setModes).toHaveBeenCalledTimes(2));
    view.stdin.write('d');
    await vi.waitFor(() => expect(topology.setModes).toHaveBeenCalledTimes(3));
    expect(topology.setModes.mock.calls).toEqual([[{ auth: 'local' }], [{ auth: 'global' }], [{ discovery: 'server' }]]);

    emit({ type: 'topology.modes', time: now, modes: { discovery: 'server', auth: 'global' }, previous: { discovery: 'client', auth: 'remote' } });
    emit({ type: 'topology.fault', time: now, action: 'kill', target: 'profile#2', detail: 'SIGKILL: pid 1002 is gone' });
    view.stdin.write('k');
    await vi.waitFor(() => expect(frame()).toContain('✖ kill profile#3: SUPERVISOR_NOT_RUNNING'));
    expect(frame()).toMatch(/discovery server · auth global/);
    expect(frame()).toContain('modes: discovery server · auth global');
    expect(frame()).toContain('kill profile#2 · SIGKILL: pid 1002 is gone');
    view.unmount();
  });
});

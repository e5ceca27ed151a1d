import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render as renderInk } from 'ink';
import { render } from 'ink-testing-library';
import { runtimeError, type Span, type TopologyEvent, type TopologyEventListener, type TopologyModes } from '@topolab/runtime';
import type { InstanceView } from '@topolab/runtime/topology';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
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
    // From when the view is built, not when the file loaded: `heartbeat 0.2 s ago` whatever ran before.
    lastHeartbeat: Date.now() - 200,
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
      timings: { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000, clientBodyTimeoutMs: 3000 },
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

// ink attaches its input handler in an effect after the first render: nothing to poll for, one short wait.
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The instances of `topolab up` by default (15). */
const defaultIds = ['registry#1', 'sms#1', 'auth#1', 'profile#1', 'profile#2', 'mail#1', 'chat#1', 'chat#2', 'graphql#1', 'bus#1', 'cache#1', 'lb#1', 'sidecar#1', 'gateway#1', 'dns#1'];

/** Renders on a fake terminal of `columns` × `rows` (ink-testing-library's is 100 columns, no rows). */
function renderOn(tree: ReactElement, columns: number, rows: number) {
  const frames: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { columns, rows, write: (frame: string) => frames.push(frame) > 0 });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const { data } = stdin;
      stdin.data = null;
      return data;
    },
    write(data: string) {
      stdin.data = data;
      stdin.emit('readable');
      stdin.emit('data', data);
    },
  });
  const instance = renderInk(tree, { stdout: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  onTestFinished(() => instance.unmount());
  // eslint-disable-next-line no-control-regex
  const lastFrame = () => (frames.at(-1) ?? '').replace(/\u001B\[[0-9;]*m/g, '');
  return { lastFrame, stdin };
}

/** One attempt of the gateway: at `peer`, answered in `ms`, or failed. */
interface Attempt {
  readonly peer: string;
  readonly ms: number;
  readonly failure?: string;
}

/** The spans of one request through gateway#1 (auth asked first), in the order the instances send them. */
function requestSpans(traceId: string, name: string, start: number, attempts: readonly Attempt[], status = 200): Span[] {
  const base = { traceId, service: 'gateway', instanceId: 'gateway#1', address: '127.0.0.1:8080' };
  const spans: Span[] = [
    { ...base, spanId: `${traceId}-auth`, parentSpanId: `${traceId}-root`, kind: 'client', name: 'auth: POST /auth/introspect', start, durationMs: 1.2, status: 200, attributes: { peer: 'auth#1' } },
  ];
  let at = start + 2;
  attempts.forEach((attempt, i) => {
    const spanId = `${traceId}-attempt-${i}`;
    const service = attempt.peer.split('#')[0]!;
    spans.push({ ...base, spanId, parentSpanId: `${traceId}-root`, kind: 'client', name: `${service}: ${name}`, start: at, durationMs: attempt.ms, ...(attempt.failure ? { attributes: { peer: attempt.peer, failure: attempt.failure } } : { status, attributes: { peer: attempt.peer } }) });
    if (!attempt.failure) spans.unshift({ ...base, service, instanceId: attempt.peer, spanId: `${spanId}-server`, parentSpanId: spanId, kind: 'server', name, start: at + 0.5, durationMs: attempt.ms - 1, status });
    at += attempt.ms;
  });
  const root: Span = { ...base, spanId: `${traceId}-root`, kind: 'server', name, start, durationMs: at - start + 1, status, attributes: { discovery: 'client', auth: 'remote', authResult: 'active', retries: attempts.length - 1 } };
  return [...spans, root];
}

const spansEvent = (spans: Span[]): TopologyEvent => ({ type: 'spans', time: now, instanceId: 'gateway#1', service: 'gateway', spans });

describe('Dashboard', () => {
  it('groups the instances by service and details the selected one: address, pid, state, requests, errors, heartbeat', async () => {
    const { topology } = fakeTopology([instance('profile#1'), instance('auth#1'), instance('profile#2', { state: 'crashed', pid: undefined, errors: 3 })]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    const frame = () => view.lastFrame() ?? '';
    expect(frame()).toContain('http://127.0.0.1:8080');
    expect(frame()).toMatch(/profile +›#1 ready +#2 crashed/);
    expect(frame()).toMatch(/auth +#1 ready/);
    expect(frame()).toMatch(/› profile#1 +127\.0\.5\.1:40001 +pid 1001 +ready +7 req +0 err +heartbeat 0\.\d s ago/);
    await tick();
    view.stdin.write('\u001B[B');
    await vi.waitFor(() => expect(frame()).toMatch(/› profile#2 +127\.0\.5\.2:40002 +pid — +crashed +7 req +3 err/));
    expect(frame()).toMatch(/profile +#1 ready +›#2 crashed/);
    view.unmount();
  });

  it('appends noteworthy events and leaves out spans', async () => {
    const { topology, emit } = fakeTopology([instance('profile#1')]);
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />);
    emit({ type: 'event', time: now, instanceId: 'registry#1', service: 'registry', name: 'registry.evicted', data: { instanceId: 'profile#2' } });
    emit({ type: 'spans', time: now, instanceId: 'gateway#1', service: 'gateway', spans: [] });
    await expect.poll(() => view.lastFrame() ?? '').toContain('evicted profile#2 (missed heartbeats)');
    view.unmount();
  });

  it('quits on q', async () => {
    const { topology } = fakeTopology([]);
    const onQuit = vi.fn();
    const view = render(<Dashboard topology={topology} initialEvents={[]} onQuit={onQuit} />);
    await tick();
    view.stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledOnce());
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

  it('fits 80×24 with the default topology, a busy request log and events, and shows the timed-out attempt and its retry', async () => {
    const { topology, emit } = fakeTopology(defaultIds.map((id) => instance(id, { host: `127.0.${id.length}.1` })));
    const view = renderOn(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />, 80, 24);
    for (let i = 0; i < 8; i++) emit({ type: 'instance.state', time: now, instanceId: `chat#${i}`, service: 'chat', state: 'ready', previous: 'starting', pid: 4000 + i });
    for (let i = 0; i < 6; i++) emit(spansEvent(requestSpans(`t${i}`, i % 2 ? 'POST /mail/send' : 'GET /mail/mailboxes/inbox', now + i * 10, [{ peer: 'mail#1', ms: 8 }], i % 2 ? 201 : 200)));
    emit(spansEvent(requestSpans('paused', 'GET /profile/me', now + 100, [{ peer: 'profile#1', ms: 5001.9, failure: 'timeout' }, { peer: 'profile#2', ms: 4.1 }])));
    await vi.waitFor(() => expect(view.lastFrame()).toContain('✖ profile#1'));
    const frame = view.lastFrame();
    const lines = frame.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    for (const part of ['topolab · discovery client', 'profile   #1 ready  #2 ready', 'Requests  7 through the gateway', 'Events', 'Latest SMS', 'q quit']) expect(frame).toContain(part);
    expect(frame).toMatch(/› \d\d:\d\d:\d\d GET {4}\/profile\/me +200 +5\.0 s {2}✖ timeout profile#1 · ↻ 1/);
    expect(frame).toContain('  ├─ ✖ profile#1  GET /profile/me  timeout  5.0 s');
    expect(frame).toContain('  └─ ↻ profile#2  GET /profile/me 200  4.1 ms  retry');
    expect(frame).toContain('chat#7');
  });

  it('moves to an older request with ← and back to following the newest with →', async () => {
    const { topology, emit } = fakeTopology([instance('profile#1')]);
    const view = renderOn(<Dashboard topology={topology} initialEvents={[]} onQuit={() => undefined} />, 80, 24);
    emit(spansEvent(requestSpans('old', 'GET /profile/me', now, [{ peer: 'profile#1', ms: 3 }])));
    emit(spansEvent(requestSpans('new', 'POST /mail/send', now + 10, [{ peer: 'mail#1', ms: 9 }], 201)));
    const tree = () => view.lastFrame().split('\n').find((line) => line.startsWith('  └─ '));
    await vi.waitFor(() => expect(tree()).toContain('mail#1  POST /mail/send 201'));
    view.stdin.write('\u001B[D');
    await vi.waitFor(() => expect(tree()).toContain('profile#1  GET /profile/me 200'));
    expect(view.lastFrame()).toMatch(/› \d\d:\d\d:\d\d GET/);
    // A newer request does not move a selection made by hand.
    emit(spansEvent(requestSpans('newest', 'GET /chat/rooms', now + 20, [{ peer: 'chat#1', ms: 2 }])));
    await vi.waitFor(() => expect(view.lastFrame()).toContain('/chat/rooms'));
    expect(tree()).toContain('profile#1');
    view.stdin.write('\u001B[C');
    await vi.waitFor(() => expect(tree()).toContain('mail#1'));
    view.stdin.write('\u001B[C');
    await vi.waitFor(() => expect(tree()).toContain('chat#1'));
    emit(spansEvent(requestSpans('latest', 'GET /auth/me', now + 30, [{ peer: 'auth#1', ms: 2 }])));
    await vi.waitFor(() => expect(tree()).toContain('auth#1  GET /auth/me'));
  });
});

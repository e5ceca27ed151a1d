// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ControlApi } from '../model/api';
import { instance, span } from '../model/fixtures';
import type { DashboardHello, DashboardMessage } from '../protocol';
import { App } from './App';

// The unit lane shares modules between the files a worker runs (isolate: false): a file that
// mocks a module starts from fresh ones, or modules another file loaded would keep the real one.
vi.hoisted(() => vi.resetModules());

// cytoscape draws on a canvas the test DOM does not have; the graph has its own model tests.
vi.mock('./GraphView', () => ({ GraphView: () => <section aria-label="Graph" /> }));

/** The page's EventSource, fed by the test. */
class FakeEventSource {
  static last: FakeEventSource | undefined;
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.readyState = 2;
  }
  /** Opens the stream and sends `message` as the server would. */
  send(message: DashboardMessage): void {
    if (this.readyState === 0) {
      this.readyState = 1;
      this.onopen?.(new Event('open'));
    }
    this.listeners.get(message.type)?.(new MessageEvent(message.type, { data: JSON.stringify(message) }));
  }
}

function fakeApi(): ControlApi {
  return { setMode: vi.fn(async () => ({})), instanceAction: vi.fn(async () => ({})), scale: vi.fn(async () => ({})), readPhone: vi.fn(async () => []) };
}

beforeEach(() => {
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function stream(message: DashboardMessage): Promise<void> {
  // The view re-renders once per animation frame.
  await act(async () => {
    FakeEventSource.last!.send(message);
    await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  });
}

/** The stream's first message: a topology in client/remote with these instances and spans. */
function hello(now: number, instances: DashboardHello['instances'], spans: DashboardHello['spans']): DashboardHello {
  return {
    type: 'hello',
    now,
    gatewayUrl: 'https://www.topolab.test:8443',
    modes: { discovery: 'client', auth: 'remote' },
    choices: { discovery: ['client', 'server'], auth: ['remote', 'local'] },
    timings: { heartbeatMs: 250, missedHeartbeats: 3 },
    instances,
    spans,
  };
}

describe('App', () => {
  it('shows the topology the stream describes, and a fault clicked goes to the control API with its outcome', async () => {
    const api = fakeApi();
    render(<App api={api} />);
    expect(FakeEventSource.last?.url).toBe('/v1/stream');
    const now = Date.now();
    const live = { lastHeartbeat: now, leaseExpiresAt: now + 750 };
    await stream(hello(now, [instance('gateway#1', live), instance('profile#1', live), instance('profile#2', live)], [span({ traceId: 'trace-1', start: now - 20, status: 200 })]));
    expect(screen.getByTestId('connection').textContent).toBe('live');
    expect(screen.getByText('https://www.topolab.test:8443')).toBeTruthy();
    expect(screen.getByTestId('modes-in-force').textContent).toBe('discovery client · auth remote');
    expect(screen.getByTestId('instance-profile#2').dataset.state).toBe('ready');
    expect(screen.getAllByTestId('request-row').map((row) => row.dataset.traceId)).toEqual(['trace-1']);

    fireEvent.click(screen.getByRole('button', { name: 'kill profile#2' }));
    await vi.waitFor(() => expect(api.instanceAction).toHaveBeenCalledWith('profile#2', 'kill'));
    expect((await screen.findByTestId('toast')).textContent).toContain('kill profile#2: done');

    await stream({ type: 'instances', now: Date.now(), instances: [instance('gateway#1'), instance('profile#1'), instance('profile#2', { state: 'crashed', pid: undefined })] });
    expect(screen.getByTestId('instance-profile#2').dataset.state).toBe('crashed');
  });

  it('opens the waterfall of the request clicked', async () => {
    render(<App api={fakeApi()} />);
    const now = Date.now();
    await stream(hello(now, [instance('gateway#1')], [span({ traceId: 'trace-2', spanId: 'g', start: now - 20, status: 200 }), span({ traceId: 'trace-2', spanId: 'p', parentSpanId: 'g', instanceId: 'profile#1', start: now - 15 })]));
    expect(screen.getByText('Select a request to see its hops.')).toBeTruthy();
    fireEvent.click(screen.getByTestId('request-row'));
    expect(screen.getByText('2 spans', { exact: false })).toBeTruthy();
  });
});

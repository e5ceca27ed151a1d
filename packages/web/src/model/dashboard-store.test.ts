import { describe, expect, it } from 'vitest';
import type { DashboardHello } from '../protocol';
import { DashboardStore } from './dashboard-store';
import { instance, span } from './fixtures';
import type { Hop } from './hops';

const hello = (fields: Partial<DashboardHello> = {}): DashboardHello => ({
  type: 'hello',
  now: 50_000,
  gatewayUrl: 'http://127.0.0.1:8080',
  modes: { discovery: 'client', auth: 'remote' },
  choices: { discovery: ['client', 'server'], auth: ['remote', 'local', 'global', 'sidecar'] },
  timings: { heartbeatMs: 1000, missedHeartbeats: 3 },
  instances: [instance('gateway#1'), instance('profile#1')],
  spans: [],
  ...fields,
});

describe('DashboardStore', () => {
  it('takes the hello: modes, choices, instances, and the clock offset', () => {
    const store = new DashboardStore({ clock: () => 40_000 });
    store.apply(hello());
    expect(store.view).toMatchObject({ connection: 'live', gatewayUrl: 'http://127.0.0.1:8080', modes: { discovery: 'client', auth: 'remote' }, clockOffsetMs: 10_000 });
    expect(store.view.instances.map((item) => item.id)).toEqual(['gateway#1', 'profile#1']);
    expect(store.serverNow()).toBe(50_000);
  });

  it('replaces the instances and the offset with each instances message, and the modes with each modes message', () => {
    const store = new DashboardStore({ clock: () => 40_000 });
    store.apply(hello());
    store.apply({ type: 'instances', now: 41_000, instances: [instance('gateway#1'), instance('profile#1'), instance('profile#2')] });
    expect(store.view.instances).toHaveLength(3);
    expect(store.view.clockOffsetMs).toBe(1000);
    store.apply({ type: 'instances', now: 41_000, instances: [instance('gateway#1'), instance('chat#1')] });
    expect(store.view.services.map((entry) => entry.service)).toEqual(['gateway', 'profile', 'chat']);
    store.apply({ type: 'modes', time: 1, modes: { discovery: 'server', auth: 'remote' }, previous: { discovery: 'client', auth: 'remote' } });
    expect(store.view.modes).toEqual({ discovery: 'server', auth: 'remote' });
  });

  it('groups spans into requests, learns links, and tells hop listeners of live hops only', () => {
    const store = new DashboardStore({ clock: () => 1_000 });
    const heard: Hop[][] = [];
    store.onHops((hops) => heard.push([...hops]));
    const root = span({ traceId: 'a', spanId: 'root', start: 900 });
    store.apply(hello({ now: 1_000, spans: [root] }));
    expect(store.view.links).toEqual([{ from: 'client', to: 'gateway#1' }]);
    expect(heard).toEqual([]);
    expect(store.traces.recentRequests().map((request) => request.traceId)).toEqual(['a']);
    expect(store.samples.list()).toHaveLength(1);

    const before = store.view.tracesVersion;
    store.apply({ type: 'spans', spans: [span({ traceId: 'a', spanId: 'c', parentSpanId: 'root', kind: 'client' }), span({ traceId: 'a', spanId: 's', parentSpanId: 'c', instanceId: 'profile#1' })] });
    expect(store.view.tracesVersion).toBeGreaterThan(before);
    expect(store.view.links).toEqual([
      { from: 'client', to: 'gateway#1' },
      { from: 'gateway#1', to: 'profile#1' },
    ]);
    expect(heard).toEqual([[{ from: 'gateway#1', to: 'profile#1', traceId: 'a' }]]);
  });

  it('resets what the spans taught on a new hello, keeping the event log', () => {
    const store = new DashboardStore();
    store.apply(hello({ spans: [span({ traceId: 'a', spanId: 'root' })] }));
    store.apply({ type: 'log', time: 1, level: 'warn', instance: 'profile#1', text: 'profile#1 evicted' });
    store.setConnection('reconnecting');
    expect(store.view.connection).toBe('reconnecting');
    store.apply(hello({ instances: [instance('gateway#1')] }));
    expect(store.view.connection).toBe('live');
    expect(store.traces.recentRequests()).toEqual([]);
    expect(store.view.links).toEqual([]);
    expect(store.view.instances).toHaveLength(1);
    expect(store.view.logs.map((line) => line.text)).toEqual(['profile#1 evicted']);
  });

  it('keeps the last log lines, and follows the number of each SMS', () => {
    const store = new DashboardStore({ maxLogLines: 3 });
    for (let index = 0; index < 5; index += 1) store.apply({ type: 'log', time: index, level: 'info', instance: undefined, text: `line ${index}` });
    expect(store.view.logs.map((line) => line.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(new Set(store.view.logs.map((line) => line.key)).size).toBe(3);
    expect(store.view.phone).toEqual({ number: undefined, version: 0 });
    store.apply({ type: 'log', time: 9, level: 'info', instance: 'sms#1', text: 'sms.sent to=+447700900123 template=otp', smsTo: '+447700900123' });
    store.apply({ type: 'log', time: 10, level: 'info', instance: 'sms#1', text: 'sms.sent to=+447700900123 template=otp', smsTo: '+447700900123' });
    expect(store.view.phone).toEqual({ number: '+447700900123', version: 2 });
  });

  it('notifies subscribers on every change, and stops when they unsubscribe', () => {
    const store = new DashboardStore();
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 1));
    store.apply(hello());
    store.note('info', 'dashboard stream reconnected');
    unsubscribe();
    store.apply({ type: 'spans', spans: [] });
    expect(calls).toBe(2);
    expect(store.view.logs.at(-1)?.text).toBe('dashboard stream reconnected');
  });
});

import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../contract/registry-api.js';
import type { Upstream } from '../proxy/upstream.js';
import { createPassiveHealth } from './passive-health.js';

const upstream: Upstream = { id: 'profile#1', host: '127.0.5.1', port: 4001, registeredAt: 1_000 };

function record(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return { service: 'profile', instanceId: 'profile#1', host: '127.0.5.1', port: 4001, registeredAt: 1_000, lastHeartbeat: 1_500, ...overrides };
}

function setup(failures?: number) {
  let now = 10_000;
  const events: { name: string; data: Readonly<Record<string, unknown>> }[] = [];
  const health = createPassiveHealth({
    ...(failures === undefined ? {} : { failures }),
    clock: () => now,
    telemetry: { event: (name, data) => void events.push({ name, data }) },
  });
  return { health, events, advance: (ms: number) => (now += ms), now: () => now };
}

function failTimes(health: ReturnType<typeof createPassiveHealth>, times: number, target: Upstream = upstream): void {
  for (let i = 0; i < times; i++) health.failed(target);
}

describe('passive health', () => {
  it('skips an instance after 5 consecutive failures by default, and says so once', () => {
    const { health, events } = setup();
    failTimes(health, 4);
    expect(health.isSkipped(record())).toBe(false);
    expect(health.skippedCount).toBe(0);
    health.failed(upstream);
    expect(health.isSkipped(record())).toBe(true);
    expect(health.skippedCount).toBe(1);
    health.failed(upstream);
    expect(events).toEqual([{ name: 'discovery.skipped', data: { instanceId: 'profile#1', failures: 5 } }]);
  });

  it('starts counting over after an answer', () => {
    const { health } = setup();
    failTimes(health, 4);
    health.succeeded(upstream);
    failTimes(health, 4);
    expect(health.isSkipped(record())).toBe(false);
    health.failed(upstream);
    expect(health.isSkipped(record())).toBe(true);
  });

  it('honours a configured threshold', () => {
    const { health } = setup(2);
    failTimes(health, 2);
    expect(health.isSkipped(record())).toBe(true);
  });

  it('stays skipped while the catalog shows only heartbeats from before the skip', () => {
    const { health, advance, now } = setup();
    failTimes(health, 5);
    const skippedAt = now();
    advance(5_000);
    expect(health.isSkipped(record({ lastHeartbeat: skippedAt }))).toBe(true);
    expect(health.isSkipped(record({ lastHeartbeat: skippedAt - 100 }))).toBe(true);
  });

  it('restores the instance once the catalog shows a heartbeat newer than the skip', () => {
    const { health, events, advance, now } = setup();
    failTimes(health, 5);
    advance(250);
    expect(health.isSkipped(record({ lastHeartbeat: now() }))).toBe(false);
    expect(health.skippedCount).toBe(0);
    expect(events.at(-1)).toEqual({ name: 'discovery.restored', data: { instanceId: 'profile#1', failures: 5 } });
    // The count started over: four more failures are not enough.
    failTimes(health, 4);
    expect(health.isSkipped(record({ lastHeartbeat: 0 }))).toBe(false);
  });

  it('restores a new incarnation (another address or registration) without a newer heartbeat', () => {
    const { health } = setup();
    failTimes(health, 5);
    expect(health.isSkipped(record({ port: 4002, lastHeartbeat: 0 }))).toBe(false);
    failTimes(health, 5);
    expect(health.isSkipped(record({ registeredAt: 2_000, lastHeartbeat: 0 }))).toBe(false);
  });

  it('does not add failures of an old incarnation to a new one', () => {
    const { health } = setup();
    failTimes(health, 4);
    health.failed({ ...upstream, registeredAt: 2_000 });
    expect(health.isSkipped(record({ registeredAt: 2_000, lastHeartbeat: 0 }))).toBe(false);
  });

  it('forgets everything on clear', () => {
    const { health } = setup();
    failTimes(health, 5);
    health.clear();
    expect(health.isSkipped(record({ lastHeartbeat: 0 }))).toBe(false);
  });
});

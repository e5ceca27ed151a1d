import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { recordTelemetry } from '#test-support/kit.js';
import { followRevocations } from './revocation-feed.js';
import { createFakeBus } from '#test-support/kit-token-cache.js';
import { createTokenVerdicts } from './token-verdicts.js';

const start = Date.UTC(2030, 0, 1);
const expS = Math.floor(start / 1000) + 900;

async function setup(startGraceMs?: number, settleMs = 0) {
  let now = start;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const bus = createFakeBus();
  const recorded = recordTelemetry('gateway');
  const verdicts = createTokenVerdicts({ clock: clock.now });
  const feed = followRevocations({ bus, verdicts, telemetry: recorded.telemetry, mode: 'local', clock: clock.now, settleMs, ...(startGraceMs === undefined ? {} : { startGraceMs }) });
  onTestFinished(() => feed.close());
  expect(feed.degraded).toBe(true);
  await Promise.resolve();
  const names = () => recorded.events().map((event) => event.name);
  return { bus, verdicts, feed, clock, recorded, names };
}

describe('revocation feed', () => {
  it('applies token.revoked to the verdicts at once', async () => {
    const { bus, verdicts, feed } = await setup();
    expect(feed.degraded).toBe(false);
    verdicts.remember('token', { sub: 'u1', username: 'alice', jti: 'j1', exp: expS });
    await bus.publish('token.revoked', { jti: 'j1', userId: 'u1', exp: expS });
    expect(verdicts.get('token')).toBeUndefined();
    expect(verdicts.isRevoked('j1')).toBe(true);
  });

  it('vouches only for tokens issued since its stream began', async () => {
    const { feed } = await setup();
    expect(feed.knowsHistoryOf(start / 1000 + 1)).toBe(true);
    // Issued in the very millisecond the stream began, or before: not vouched for.
    expect(feed.knowsHistoryOf(start / 1000)).toBe(false);
    expect(feed.knowsHistoryOf(undefined)).toBe(false);
  });

  it('reports a disconnection once, degrades the verdicts, and reports the reconnection', async () => {
    const { bus, verdicts, feed, names } = await setup();
    bus.down();
    bus.down();
    expect(feed.degraded).toBe(true);
    expect(verdicts.degraded).toBe(true);
    expect(feed.knowsHistoryOf(start / 1000 + 10)).toBe(false);
    expect(names()).toEqual(['gateway.auth.degraded']);
    bus.up();
    expect(feed.degraded).toBe(false);
    expect(names()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
  });

  it('once quiet (its instance is stopping), reports no outage but still degrades and still applies revocations', async () => {
    const { bus, verdicts, feed, names, recorded } = await setup();
    feed.quiet();
    verdicts.remember('token', { sub: 'u1', username: 'alice', jti: 'j1', exp: expS });
    await bus.publish('token.revoked', { jti: 'j1', userId: 'u1', exp: expS });
    expect(verdicts.get('token')).toBeUndefined();
    bus.down();
    expect(feed.degraded).toBe(true);
    expect(names()).toEqual([]);
    expect(recorded.messages.filter((message) => message.type === 'log' && message.record.level === 'warn')).toEqual([]);
  });

  it('keeps its verdicts and history across a reconnection, which replays what it missed', async () => {
    const { bus, verdicts, feed } = await setup();
    verdicts.remember('token', { sub: 'u1', username: 'alice', jti: 'j1', exp: expS });
    verdicts.remember('other', { sub: 'u2', username: 'bob', jti: 'j2', exp: expS });
    bus.down();
    await bus.publish('token.revoked', { jti: 'j2', userId: 'u2', exp: expS });
    bus.up();
    expect(feed.knowsHistoryOf(start / 1000 + 1)).toBe(true);
    expect(verdicts.get('token')?.jti).toBe('j1');
    expect(verdicts.get('other')).toBeUndefined();
    expect(verdicts.isRevoked('j2')).toBe(true);
  });

  it('after a reconnection keeps the fallback-TTL rule for the settle period, while auth retries what it could not publish', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const { bus, feed, names } = await setup(undefined, 3000);
    bus.down();
    bus.up();
    expect(names()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
    vi.advanceTimersByTime(2999);
    expect(feed.degraded).toBe(true);
    expect(feed.knowsHistoryOf(start / 1000 + 1)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(feed.degraded).toBe(false);
    expect(feed.knowsHistoryOf(start / 1000 + 1)).toBe(true);
    // A new outage during the settle period is not ended by the earlier timer.
    bus.down();
    bus.up();
    vi.advanceTimersByTime(1000);
    bus.down();
    vi.advanceTimersByTime(5000);
    expect(feed.degraded).toBe(true);
  });

  it('forgets every verdict when messages were lost and restarts its history at the reconnection', async () => {
    const { bus, verdicts, feed, clock, names } = await setup();
    await bus.publish('token.revoked', { jti: 'j0', userId: 'u0', exp: expS });
    verdicts.remember('token', { sub: 'u1', username: 'alice', jti: 'j1', exp: expS });
    bus.lose();
    expect(verdicts.size).toBe(0);
    clock.advance(5000);
    bus.up();
    expect(feed.knowsHistoryOf(start / 1000 + 1)).toBe(false);
    expect(feed.knowsHistoryOf(start / 1000 + 6)).toBe(true);
    expect(names()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
    expect(verdicts.isRevoked('j0')).toBe(true);
  });

  it('stays quiet while the first connection is within its grace period, then reports it', async () => {
    const bus = createFakeBus();
    bus.down();
    const recorded = recordTelemetry('gateway');
    const feed = followRevocations({ bus, verdicts: createTokenVerdicts(), telemetry: recorded.telemetry, mode: 'sidecar', startGraceMs: 20 });
    onTestFinished(() => feed.close());
    await Promise.resolve();
    expect(recorded.events()).toEqual([]);
    await expect.poll(() => recorded.events().map((event) => event.data), { timeout: 2000 }).toEqual([{ mode: 'sidecar', reason: 'the bus is not connected yet' }]);
  });
});

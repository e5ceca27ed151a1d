import { describe, expect, it, onTestFinished } from 'vitest';
import { recordTelemetry } from '#test-support/kit.js';
import { createOutbox, type OutboxOptions } from './outbox.js';

function setup(options: Partial<OutboxOptions> = {}) {
  let now = 1_000_000;
  const recorded = recordTelemetry('auth');
  const outbox = createOutbox({ telemetry: recorded.telemetry, clock: () => now, minDelayMs: 5, maxDelayMs: 20, ...options });
  onTestFinished(() => outbox.close());
  const events = (name: string) => recorded.events().filter((event) => event.name === name).map((event) => event.data);
  return { outbox, events, advance: (ms: number) => void (now += ms), now: () => now };
}

/** A delivery that fails `failures` times, then succeeds. */
function flaky(failures: number) {
  const delivery = {
    calls: 0,
    send: async () => {
      delivery.calls++;
      if (delivery.calls <= failures) throw new Error('still down');
    },
  };
  return delivery;
}

describe('auth outbox', () => {
  it('retries with backoff until the delivery succeeds, then reports it', async () => {
    const { outbox, events, now } = setup();
    const delivery = flaky(3);
    outbox.add({ key: 'bus:j1', what: 'token.revoked', userId: 'u1', expiresAt: now() + 60_000, send: delivery.send });
    expect(outbox.size).toBe(1);
    await expect.poll(() => outbox.size, { timeout: 2000 }).toBe(0);
    expect(delivery.calls).toBe(4);
    expect(events('auth.publish.retried')).toEqual([{ what: 'token.revoked', userId: 'u1', attempts: 4 }]);
    expect(events('auth.publish.dropped')).toEqual([]);
  });

  it('drops an item once its token has expired', async () => {
    const { outbox, events, now, advance } = setup();
    const delivery = flaky(Number.POSITIVE_INFINITY);
    outbox.add({ key: 'bus:j1', what: 'token.revoked', userId: 'u1', expiresAt: now() + 1000, send: delivery.send });
    await expect.poll(() => delivery.calls, { timeout: 2000 }).toBeGreaterThan(1);
    advance(1000);
    await expect.poll(() => outbox.size, { timeout: 2000 }).toBe(0);
    expect(events('auth.publish.dropped')).toEqual([{ what: 'token.revoked', userId: 'u1', reason: 'expired', attempts: expect.any(Number) }]);
  });

  it('holds at most maxItems, dropping the oldest', () => {
    const { outbox, events, now } = setup({ maxItems: 2, minDelayMs: 60_000 });
    for (const jti of ['j1', 'j2', 'j3']) outbox.add({ key: `bus:${jti}`, what: 'token.revoked', userId: jti, expiresAt: now() + 60_000, send: async () => undefined });
    expect(outbox.size).toBe(2);
    expect(events('auth.publish.dropped')).toEqual([{ what: 'token.revoked', userId: 'j1', reason: 'full', attempts: 0 }]);
  });

  it('lets a newer item or write of the same key supersede a pending one', async () => {
    const { outbox, events, now } = setup();
    const stale = flaky(Number.POSITIVE_INFINITY);
    const fresh = flaky(1);
    outbox.add({ key: 'cache:j1', what: 'cache.active', userId: 'u1', expiresAt: now() + 60_000, send: stale.send });
    outbox.add({ key: 'cache:j1', what: 'cache.revoked', userId: 'u1', expiresAt: now() + 60_000, send: fresh.send });
    expect(outbox.size).toBe(1);
    await expect.poll(() => outbox.size, { timeout: 2000 }).toBe(0);
    expect(stale.calls).toBe(0);
    expect(events('auth.publish.retried').map((data) => data.what)).toEqual(['cache.revoked']);
    outbox.add({ key: 'cache:j2', what: 'cache.active', userId: 'u1', expiresAt: now() + 60_000, send: stale.send });
    outbox.cancel('cache:j2');
    expect(outbox.size).toBe(0);
  });

  it('drops what is pending on close and takes nothing after', () => {
    const { outbox, events, now } = setup({ minDelayMs: 60_000 });
    outbox.add({ key: 'bus:j1', what: 'token.revoked', userId: 'u1', expiresAt: now() + 60_000, send: async () => undefined });
    outbox.close();
    outbox.add({ key: 'bus:j2', what: 'token.revoked', userId: 'u2', expiresAt: now() + 60_000, send: async () => undefined });
    expect(outbox.size).toBe(0);
    expect(events('auth.publish.dropped')).toEqual([{ what: 'token.revoked', userId: 'u1', reason: 'closed', attempts: 0 }]);
  });
});

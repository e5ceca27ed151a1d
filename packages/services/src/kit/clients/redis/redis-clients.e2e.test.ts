import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusMessage } from '../../../contract/bus-api.js';
import { redisKeys } from '../../../contract/backends.js';
import { recordTelemetry } from '#test-support/kit.js';
import type { BusSubscription, BusSubscriptionStatus } from '../bus-subscription.js';
import { CacheUnavailableError } from '../cache-client.js';
import { BusUnavailableError } from '../bus-client.js';
import { createBackendClients, type BackendClients } from '../backend-clients.js';
import { openRedisConnection } from './redis-connection.js';
import { startTestRedis, testRedisBinary, type TestRedis } from '#test-support/redis.js';

const binary = testRedisBinary();
// A real redis-server answers slower than the embedded backends: 5 s.
const waitUntil = (condition: () => boolean, timeoutMs = 5000) => vi.waitFor(async () => expect(await condition()).toBeTruthy(), { timeout: timeoutMs, interval: 10 });

describe.skipIf(!binary)('the bus and the global cache on a real redis-server', () => {
  let redis: TestRedis;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    redis = await startTestRedis(binary!);
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function clients(instanceId = 'gateway#1'): BackendClients & { recorded: ReturnType<typeof recordTelemetry> } {
    const recorded = recordTelemetry('gateway', { instanceId });
    const unused = { instances: () => [], call: () => Promise.reject(new Error('no registry here')) } as never;
    const made = createBackendClients({
      config: { service: instanceId.split('#')[0]!, instanceId, backends: { cache: 'redis', bus: 'redis' }, redis: { url: redis.url, peer: 'redis#1' } },
      telemetry: recorded.telemetry,
      catalog: unused,
      caller: unused,
      http: unused,
    });
    cleanups.push(() => made.close());
    return Object.assign(made, { recorded });
  }

  function follow(made: BackendClients, topic: string): { messages: BusMessage[]; statuses: BusSubscriptionStatus[]; subscription: BusSubscription } {
    const messages: BusMessage[] = [];
    const statuses: BusSubscriptionStatus[] = [];
    const subscription = made.bus.subscribe(topic, { onMessage: (message) => void messages.push(message), onStatus: (status) => void statuses.push(status) });
    cleanups.push(() => subscription.close());
    return { messages, statuses, subscription };
  }

  /** Publishes once the publisher's connection is back (each failed attempt took ≤ 1 s). */
  async function publishRetrying(made: BackendClients, topic: string, data: unknown): Promise<void> {
    await vi.waitFor(() => made.bus.publish(topic, data), { timeout: 8000, interval: 50 });
  }

  it('stores JSON values with their TTL, writes an absent key only once (SET NX), and deletes', async () => {
    const { cache } = clients('auth#1');
    await cache.set('token:a', { active: true, sub: 'u1' }, 60_000);
    expect(await cache.get('token:a')).toEqual({ active: true, sub: 'u1' });
    expect(await cache.setIfAbsent('token:a', { active: false }, 60_000)).toBe(false);
    expect(await cache.get('token:a')).toEqual({ active: true, sub: 'u1' });
    expect(await cache.setIfAbsent('token:b', { active: false }, 40)).toBe(true);
    expect(await cache.get('token:b')).toEqual({ active: false });
    await expect.poll(() => cache.get('token:b')).toBeUndefined();
    await cache.delete('token:a');
    expect(await cache.get('token:a')).toBeUndefined();
    // Kept apart from other data in a shared Redis.
    const raw = openRedisConnection({ target: { url: redis.url, peer: 'redis#1' }, telemetry: recordTelemetry().telemetry, name: 'test' });
    cleanups.push(() => raw.disconnect());
    await cache.set('token:c', 1, 60_000);
    expect(await raw.get(redisKeys.cache('token:c'))).toBe('1');
  });

  it('records each traced command as an inferred client span naming the Redis instance', async () => {
    const made = clients('auth#1');
    await made.cache.set('token:t', 1, 1000, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    await waitUntil(() => made.recorded.spans().length > 0);
    expect(made.recorded.spans()[0]).toMatchObject({ kind: 'client', name: 'redis SET', parentSpanId: 'b'.repeat(16), attributes: { peer: 'redis#1', peerService: 'redis', inferred: true } });
  });

  it('gives messages seqs from 1 per topic and delivers them in order to every subscriber that follows from now on', async () => {
    const publisher = clients('auth#1');
    const first = follow(clients('gateway#1'), 'seq.test');
    const second = follow(clients('sidecar#1'), 'seq.test');
    await waitUntil(() => first.subscription.connected && second.subscription.connected);
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i += 1) seqs.push((await publisher.bus.publish('seq.test', { n: i })).seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    await waitUntil(() => first.messages.length === 5 && second.messages.length === 5);
    expect(first.messages.map((message) => message.data)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(second.messages.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);
    // A later subscriber starts after the newest seq.
    const late = follow(clients('gateway#2'), 'seq.test');
    await waitUntil(() => late.subscription.connected);
    expect(late.subscription.lastSeq).toBe(5);
    await publisher.bus.publish('seq.test', { n: 6 });
    await waitUntil(() => late.messages.length === 1);
    expect(late.messages[0]).toMatchObject({ seq: 6, data: { n: 6 } });
  });

  it('loses nothing when a subscriber connection breaks: it reconnects and replays after its last seq', async () => {
    const publisher = clients('auth#1');
    const followed = follow(clients('gateway#1'), 'resume.test');
    await waitUntil(() => followed.subscription.connected);
    await publisher.bus.publish('resume.test', 1);
    await waitUntil(() => followed.messages.length === 1);
    const raw = openRedisConnection({ target: { url: redis.url, peer: 'redis#1' }, telemetry: recordTelemetry().telemetry, name: 'killer' });
    cleanups.push(() => raw.disconnect());
    await raw.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    for (let i = 2; i <= 4; i += 1) await publishRetrying(publisher, 'resume.test', i);
    await waitUntil(() => followed.messages.length === 4);
    expect(followed.messages.map((message) => message.data)).toEqual([1, 2, 3, 4]);
    expect(followed.statuses.map((status) => status.state)).toContain('disconnected');
    expect(followed.statuses.at(-1)?.state).toBe('connected');
    expect(followed.statuses.map((status) => status.state)).not.toContain('lost');
  });

  it('notices a paused Redis by its silence, fails publishes and reads fast meanwhile, and recovers after SIGCONT', async () => {
    const made = clients('auth#1');
    const followed = follow(made, 'pause.test');
    await waitUntil(() => followed.subscription.connected);
    redis.pause();
    try {
      const started = Date.now();
      await expect(made.cache.get('token:x')).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(made.bus.publish('pause.test', 1)).rejects.toBeInstanceOf(BusUnavailableError);
      expect(Date.now() - started).toBeLessThan(4000);
      await waitUntil(() => !followed.subscription.connected, 6000);
    } finally {
      redis.resume();
    }
    await waitUntil(() => followed.subscription.connected, 8000);
    await made.bus.publish('pause.test', 'after');
    // The publish that timed out was already written: Redis may run it when it resumes (at least once).
    await waitUntil(() => followed.messages.some((message) => message.data === 'after'));
    expect(followed.messages.at(-1)).toMatchObject({ data: 'after', seq: followed.messages.length });
  });

  it('reports lost when Redis comes back empty (a new epoch), then follows the new stream from its start', async () => {
    const publisher = clients('auth#1');
    const followed = follow(clients('gateway#1'), 'restart.test');
    await waitUntil(() => followed.subscription.connected);
    await publisher.bus.publish('restart.test', 'before');
    await waitUntil(() => followed.messages.length === 1);
    await redis.restart();
    await waitUntil(() => followed.statuses.some((status) => status.state === 'disconnected'));
    await publishRetrying(publisher, 'restart.test', 'after');
    await waitUntil(() => followed.messages.length === 2, 8000);
    expect(followed.statuses.map((status) => status.state)).toContain('lost');
    expect(followed.messages.map((message) => [message.seq, message.data])).toEqual([
      [1, 'before'],
      [1, 'after'],
    ]);
  });
});

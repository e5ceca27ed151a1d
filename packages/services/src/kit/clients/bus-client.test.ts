import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from '../../contract/bus-api.js';
import type { InstanceRecord } from '../../contract/registry-api.js';
import { createBusApp } from '../../bus/app.js';
import { createEmbeddedBusBackend } from '../../bus/embedded-backend.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import { createServiceCaller } from '../discovery/service-caller.js';
import { createHttpClient } from '../http/client.js';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { BusUnavailableError, createBusClient, type BusClient, type BusSubscriptionStatus } from './bus-client.js';
import { startStallProxy } from '#test-support/kit-clients.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBus(port = 0, keepAliveMs?: number): Promise<{ server: Server; instance: InstanceRecord }> {
  const app = createBusApp({ backend: createEmbeddedBusBackend(), telemetry: recordTelemetry('bus').telemetry, ...(keepAliveMs ? { keepAliveMs } : {}) });
  app.server.listen(port, '127.0.0.1');
  const { port: bound } = port === 0 ? await listenOnLoopback(app.server).catch(() => ({ port: 0 })) : { port };
  await new Promise((resolve) => (app.server.listening ? resolve(undefined) : app.server.once('listening', resolve)));
  const actual = (app.server.address() as { port: number }).port || bound;
  cleanups.push(async () => {
    await app.close();
    await closeServer(app.server);
  });
  return { server: app.server, instance: { service: 'bus', instanceId: 'bus#1', host: '127.0.0.1', port: actual, registeredAt: 0, lastHeartbeat: 0 } };
}

function createClient(instances: () => InstanceRecord[], idleTimeoutMs?: number) {
  const catalog = { instances: () => instances() } as unknown as CatalogCache;
  const http = createHttpClient({ timeoutMs: 500 });
  cleanups.push(() => http.close());
  return createBusClient({ catalog, caller: createServiceCaller(catalog, http), http, ...(idleTimeoutMs ? { idleTimeoutMs } : {}) });
}

/** Subscribes `client` to `topic`, keeping what `record` takes of each message and the state of each status, and waits for its stream (closed after the test). */
async function subscribed<T, R>(client: BusClient, topic: string, record: (message: BusMessage<T>) => R) {
  const received: R[] = [];
  const states: string[] = [];
  const subscription = client.subscribe<T>(topic, { onMessage: (m) => received.push(record(m)), onStatus: (s) => states.push(s.state) });
  cleanups.push(() => subscription.close());
  await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
  return { subscription, received, states };
}

/** Publishes straight to one bus instance (not through a client's catalog). */
async function publishTo(instance: InstanceRecord, topic: string, data: unknown): Promise<void> {
  const res = await fetch(`http://${instance.host}:${instance.port}/bus/topics/${topic}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}`);
}

describe('bus client', () => {
  it('delivers every message after subscribing, in order', async () => {
    const { instance } = await startBus();
    const client = createClient(() => [instance]);
    const received: BusMessage<{ n: number }>[] = [];
    const statuses: BusSubscriptionStatus[] = [];
    const subscription = client.subscribe<{ n: number }>('token.revoked', { onMessage: (m) => received.push(m), onStatus: (s) => statuses.push(s) });
    cleanups.push(() => subscription.close());
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    for (const n of [1, 2, 3]) await client.publish('token.revoked', { n });
    await expect.poll(() => received.length === 3, { timeout: 5000, message: 'three messages' }).toBeTruthy();
    expect(received.map((m) => [m.seq, m.data.n])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(statuses[0]).toEqual({ state: 'connected', instanceId: 'bus#1' });
    expect(subscription.lastSeq).toBe(3);
  });

  it('replays what was published while its stream was broken, without loss or duplicates', async () => {
    const { server, instance } = await startBus();
    const client = createClient(() => [instance]);
    const { received: seqs, states: statuses } = await subscribed(client, 'topic.a', (m) => m.seq);
    await client.publish('topic.a', 1);
    await expect.poll(() => seqs.length === 1, { timeout: 5000, message: 'the first message' }).toBeTruthy();
    server.closeAllConnections();
    await client.publish('topic.a', 2);
    await client.publish('topic.a', 3);
    await expect.poll(() => seqs.length === 3, { timeout: 5000, message: 'the replayed messages' }).toBeTruthy();
    await client.publish('topic.a', 4);
    await expect.poll(() => seqs.length === 4, { timeout: 5000, message: 'a live message after the replay' }).toBeTruthy();
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(statuses).toContain('disconnected');
    expect(statuses).not.toContain('lost');
  });

  it('resumes after the topic\'s seq from its first connection: a reconnect before any message misses nothing', async () => {
    const { server, instance } = await startBus();
    await publishTo(instance, 'topic.d', 'before');
    let listed = [instance];
    const client = createClient(() => listed);
    const { subscription, received: seqs, states: statuses } = await subscribed(client, 'topic.d', (m) => m.seq);
    expect(subscription.lastSeq).toBe(1);
    // The stream breaks before this subscriber received anything; a message is published meanwhile.
    listed = [];
    server.closeAllConnections();
    await expect.poll(() => statuses.includes('disconnected'), { timeout: 5000, message: 'the broken stream' }).toBeTruthy();
    await publishTo(instance, 'topic.d', 'while disconnected');
    listed = [instance];
    await expect.poll(() => seqs.length === 1, { timeout: 5000, message: 'the message published while disconnected' }).toBeTruthy();
    await publishTo(instance, 'topic.d', 'live');
    await expect.poll(() => seqs.length === 2, { timeout: 5000, message: 'a live message' }).toBeTruthy();
    expect(seqs).toEqual([2, 3]);
    expect(statuses).not.toContain('lost');
  });

  it('treats a bus that stops sending even keep-alives (paused) as disconnected, then resumes without loss', async () => {
    const bus = await startBus(0, 25);
    const proxy = await startStallProxy(bus.instance);
    cleanups.push(() => proxy.close());
    const client = createClient(() => [proxy.instance], 250);
    const { subscription, received: seqs, states: statuses } = await subscribed(client, 'topic.e', (m) => m.seq);
    // Idle but alive: keep-alives hold it connected for several idle timeouts.
    await expect.poll(() => proxy.keepAlives() >= 40, { timeout: 5000, message: 'forty keep-alives' }).toBeTruthy();
    expect(statuses).toEqual(['connected']);
    proxy.stall();
    await expect.poll(() => statuses.includes('disconnected'), { timeout: 5000, message: 'the stall noticed' }).toBeTruthy();
    expect(subscription.connected).toBe(false);
    await publishTo(bus.instance, 'topic.e', 'while paused');
    proxy.resume();
    await expect.poll(() => seqs.length === 1, { timeout: 5000, message: 'the message published while paused' }).toBeTruthy();
    expect(seqs).toEqual([1]);
    expect(statuses.at(-1)).toBe('connected');
  });

  it('says lost when the bus restarted and its sequence began again', async () => {
    const first = await startBus();
    let current = first.instance;
    const client = createClient(() => [current]);
    const { received: data, states: statuses } = await subscribed<number, number>(client, 'topic.b', (m) => m.data);
    for (const n of [1, 2, 3]) await client.publish('topic.b', n);
    await expect.poll(() => data.length === 3, { timeout: 5000, message: 'three messages' }).toBeTruthy();
    await closeServer(first.server);
    const second = await startBus();
    current = second.instance;
    await client.publish('topic.b', 10);
    await expect.poll(() => statuses.includes('lost') && data.includes(10), { timeout: 5000, message: 'the lost status and the new message' }).toBeTruthy();
    expect(data).toEqual([1, 2, 3, 10]);
  });

  it('says lost when the restarted bus has already reached the same seq (its epoch changed)', async () => {
    const first = await startBus();
    let current = first.instance;
    const client = createClient(() => [current]);
    const { received: data, states: statuses } = await subscribed<string, string>(client, 'topic.d', (m) => m.data);
    await client.publish('topic.d', 'before');
    await expect.poll(() => data.length === 1, { timeout: 5000, message: 'the first message' }).toBeTruthy();
    await closeServer(first.server);
    const second = await startBus();
    current = second.instance;
    // Published while the subscriber reconnects: the new bus is at seq 1 again, like the old one.
    await client.publish('topic.d', 'after');
    await expect.poll(() => statuses.includes('lost') && data.includes('after'), { timeout: 5000, message: 'the lost status and the replayed message' }).toBeTruthy();
    expect(data).toEqual(['before', 'after']);
  });

  it('fails a publish with BusUnavailableError when no bus instance is listed', async () => {
    const client = createClient(() => []);
    await expect(client.publish('topic.c', 1)).rejects.toBeInstanceOf(BusUnavailableError);
  });
});

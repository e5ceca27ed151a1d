import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusBacklog, BusMessage } from '../../contract/bus-api.js';
import type { InstanceRecord } from '../../contract/registry-api.js';
import { createHttpClient } from '../http/client.js';
import type { ServiceCredentials } from '../../contract/service-token-source.js';
import { closeServer, createCleanups, listenOnLoopback } from '#test-support/kit.js';
import { openBusSubscription, type BusSubscriptionStatus } from './bus-subscription.js';

const cleanups = createCleanups();
afterEach(() => cleanups.run());

const topic = 'token.revoked';

interface Seen {
  /** `backlog` or `stream`. */
  readonly kind: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

const message = (seq: number): BusMessage<{ n: number }> => ({ topic, seq, time: 0, data: { n: seq } });

/**
 * A bus stand-in for one topic holding messages 1..latest: answers backlog reads and opens SSE
 * streams, unless `refuse` says which status to answer a request with instead.
 */
async function startBus(refuse: (seen: Seen, index: number) => number | undefined = () => undefined) {
  const seen: Seen[] = [];
  const streams: ServerResponse[] = [];
  let latest = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bus');
    const kind = url.pathname.endsWith('/stream') ? 'stream' : 'backlog';
    const request = { kind, url: `${url.pathname}${url.search}`, authorization: req.headers.authorization };
    seen.push(request);
    const status = refuse(request, seen.length - 1);
    if (status !== undefined) return void res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":{"code":"BUS_UNAUTHORIZED"}}');
    if (kind === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(':ok\n\n');
      streams.push(res);
      return;
    }
    const after = Number(url.searchParams.get('after'));
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const messages = Array.from({ length: latest }, (_, i) => message(i + 1)).filter((m) => m.seq > after).slice(0, limit);
    const backlog: BusBacklog = { topic, epoch: 'epoch-1', latestSeq: latest, oldestSeq: 1, messages };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(backlog));
  });
  const { port } = await listenOnLoopback(server);
  cleanups.defer(() => closeServer(server));
  const instance: InstanceRecord = { service: 'bus', instanceId: 'bus#1', host: '127.0.0.1', port, registeredAt: 0, lastHeartbeat: 0 };
  return {
    instance,
    seen,
    /** Records `seq` as published and pushes it on the open streams (`push: false` keeps it for the backlog only). */
    publish(seq: number, push = true) {
      latest = Math.max(latest, seq);
      if (push) for (const stream of streams) stream.write(`event: message\nid: ${seq}\ndata: ${JSON.stringify(message(seq))}\n\n`);
    },
  };
}

/** Credentials that hand out `tok-1`, then `tok-2` after a refusal, and so on. */
function rotatingCredentials() {
  let n = 1;
  const refused = vi.fn(() => void n++);
  const credentials: ServiceCredentials = { token: async () => `tok-${n}`, refused };
  return { credentials, refused };
}

function subscribe(instance: InstanceRecord, credentials: ServiceCredentials | undefined) {
  const http = createHttpClient({ timeoutMs: 1000 });
  const received: number[] = [];
  const statuses: BusSubscriptionStatus[] = [];
  const subscription = openBusSubscription<{ n: number }>({
    topic,
    instances: () => [instance],
    http,
    onMessage: (m) => received.push(m.seq),
    onStatus: (s) => statuses.push(s),
    ...(credentials ? { credentials } : {}),
  });
  cleanups.defer(() => http.close());
  cleanups.defer(() => subscription.close());
  return { subscription, received, statuses };
}

describe('bus subscription credentials (RFC 6750 bearer)', () => {
  it('sends the bus token with the first backlog read, the stream and a gap\'s backlog read', async () => {
    const bus = await startBus();
    const { credentials, refused } = rotatingCredentials();
    const { subscription, received } = subscribe(bus.instance, credentials);
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    bus.publish(1, false);
    bus.publish(2);
    await expect.poll(() => received.length === 2, { timeout: 5000, message: 'both messages' }).toBeTruthy();
    expect(received).toEqual([1, 2]);
    expect(bus.seen.map((s) => [s.kind, s.url])).toEqual([
      ['backlog', `/bus/topics/${topic}/messages?after=0&limit=1`],
      ['stream', `/bus/topics/${topic}/stream?after=0`],
      ['backlog', `/bus/topics/${topic}/messages?after=0&limit=1000`],
    ]);
    for (const request of bus.seen) expect(request.authorization).toBe('Bearer tok-1');
    expect(refused).not.toHaveBeenCalled();
  });

  it('sends no authorization header without credentials', async () => {
    const bus = await startBus();
    const { subscription } = subscribe(bus.instance, undefined);
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    for (const request of bus.seen) expect(request.authorization).toBeUndefined();
  });

  it('drops a token the stream was refused with (401) and reconnects with a fresh one', async () => {
    const bus = await startBus((seen) => (seen.kind === 'stream' && seen.authorization === 'Bearer tok-1' ? 401 : undefined));
    const { credentials, refused } = rotatingCredentials();
    const { subscription, statuses } = subscribe(bus.instance, credentials);
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream with a fresh token' }).toBeTruthy();
    expect(refused).toHaveBeenCalledTimes(1);
    const streams = bus.seen.filter((s) => s.kind === 'stream').map((s) => s.authorization);
    expect(streams).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(statuses.at(-1)).toEqual({ state: 'connected', instanceId: 'bus#1' });
    // The reconnection read the backlog with the fresh token too.
    expect(bus.seen.at(-2)).toMatchObject({ kind: 'backlog', authorization: 'Bearer tok-2' });
  });

  it('drops a token the backlog read was refused with (401) and reconnects with a fresh one', async () => {
    const bus = await startBus((seen) => (seen.kind === 'backlog' && seen.authorization === 'Bearer tok-1' ? 401 : undefined));
    const { credentials, refused } = rotatingCredentials();
    const { subscription } = subscribe(bus.instance, credentials);
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream with a fresh token' }).toBeTruthy();
    expect(refused).toHaveBeenCalledTimes(1);
    expect(bus.seen.map((s) => [s.kind, s.authorization])).toEqual([
      ['backlog', 'Bearer tok-1'],
      ['backlog', 'Bearer tok-2'],
      ['stream', 'Bearer tok-2'],
    ]);
  });

  it('keeps its token on a 403 (authenticated, not allowed): only a 401 calls refused()', async () => {
    let forbidding = 1;
    const bus = await startBus((seen) => (seen.kind === 'stream' && forbidding-- > 0 ? 403 : undefined));
    const { credentials, refused } = rotatingCredentials();
    const { subscription } = subscribe(bus.instance, credentials);
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream after the 403' }).toBeTruthy();
    expect(refused).not.toHaveBeenCalled();
    expect(bus.seen.filter((s) => s.kind === 'stream').map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });
});

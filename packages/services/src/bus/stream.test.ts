import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { BusMessage } from '../contract/bus-api.js';
import { createSseParser } from '../kit/discovery/sse.js';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createBusApp, type BusApp, type BusAppOptions } from './app.js';
import type { BusBackend } from './backend.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

describe('bus SSE stream', () => {
  let app: BusApp;
  let backend: BusBackend;
  let host: string;
  let port: number;
  let recorded: ReturnType<typeof recordTelemetry>;

  async function start(options: Partial<BusAppOptions> = {}) {
    backend = createEmbeddedBusBackend({ retain: 50 });
    recorded = recordTelemetry('bus');
    app = createBusApp({ backend, telemetry: recorded.telemetry, ...options });
    ({ host, port } = await listenOnLoopback(app.server));
  }
  beforeEach(() => start());
  afterEach(async () => {
    await closeServer(app.server);
    await app.close();
  });

  /** Opens the stream of `topic` and collects the parsed messages and their SSE ids. */
  function subscribe(topic: string, query = '', { paused = false } = {}) {
    const messages: BusMessage[] = [];
    const ids: string[] = [];
    let raw = '';
    let closed = false;
    const parse = createSseParser((event) => {
      expect(event.event).toBe('message');
      ids.push(event.id ?? '');
      messages.push(JSON.parse(event.data) as BusMessage);
    });
    let resume = () => undefined as void;
    const req = request({ host, port, path: `/bus/topics/${topic}/stream${query}` }, (res) => {
      if (paused) res.pause();
      resume = () => void res.resume();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        parse(chunk);
      });
    });
    // The socket, not the response: a paused response never emits its own `close`.
    req.on('socket', (socket) => socket.on('close', () => (closed = true)));
    req.on('error', () => undefined);
    req.end();
    onTestFinished(() => void req.destroy());
    return { messages, ids, raw: () => raw, closed: () => closed, close: () => req.destroy(), resume: () => resume() };
  }

  const seqs = (messages: BusMessage[]) => messages.map((m) => m.seq);

  it('replays the retained messages after `after`, then pushes new ones in order', async () => {
    for (let i = 1; i <= 4; i++) await backend.publish('t', { i });
    const sub = subscribe('t', '?after=2');
    await expect.poll(() => sub.messages.length === 2, { message: 'replay' }).toBeTruthy();
    for (let i = 5; i <= 7; i++) await backend.publish('t', { i });
    await expect.poll(() => sub.messages.length === 5, { message: 'live messages' }).toBeTruthy();
    expect(seqs(sub.messages)).toEqual([3, 4, 5, 6, 7]);
    expect(sub.ids).toEqual(['3', '4', '5', '6', '7']);
    expect(sub.messages[0]).toMatchObject({ topic: 't', seq: 3, data: { i: 3 } });
  });

  it('loses and repeats nothing published while the backlog is being read', async () => {
    await closeServer(app.server);
    await start();
    const embedded = backend;
    await embedded.publish('t', 1);
    // A networked backend answers later: publish while the first backlog read is in flight.
    let racing = 2;
    const backlog: BusBackend['backlog'] = async (...args) => {
      if (racing-- > 0) await embedded.publish('t', 'racing');
      return embedded.backlog(...args);
    };
    app = createBusApp({ backend: { ...embedded, backlog }, telemetry: recorded.telemetry });
    ({ host, port } = await listenOnLoopback(app.server));
    const sub = subscribe('t', '?after=0');
    await expect.poll(() => sub.messages.length >= 3, { message: 'replay and racing publishes' }).toBeTruthy();
    await embedded.publish('t', 'live');
    await expect.poll(() => sub.messages.length >= 4, { message: 'live message' }).toBeTruthy();
    expect(seqs(sub.messages)).toEqual([1, 2, 3, 4]);
  });

  it('without `after` pushes only new messages', async () => {
    await backend.publish('t', 'old');
    const sub = subscribe('t');
    await expect.poll(() => app.streams.size === 1, { message: 'subscriber' }).toBeTruthy();
    await backend.publish('t', 'new');
    await expect.poll(() => sub.messages.length === 1, { message: 'live message' }).toBeTruthy();
    expect(sub.messages[0]).toMatchObject({ seq: 2, data: 'new' });
  });

  it('gives every message to each of two subscribers, and nothing of other topics', async () => {
    const one = subscribe('t', '?after=0');
    const two = subscribe('t', '?after=0');
    await expect.poll(() => app.streams.size === 2, { message: 'two subscribers' }).toBeTruthy();
    for (let i = 1; i <= 20; i++) await backend.publish(i % 2 ? 't' : 'other', i);
    await expect.poll(() => one.messages.length === 10 && two.messages.length === 10, { message: 'every message twice' }).toBeTruthy();
    expect(seqs(one.messages)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seqs(two.messages)).toEqual(seqs(one.messages));
  });

  it('replays everything retained when `after` is ahead of the topic (the bus restarted)', async () => {
    await backend.publish('t', 'a');
    const sub = subscribe('t', '?after=40');
    await expect.poll(() => sub.messages.length === 1, { message: 'replay from the start' }).toBeTruthy();
    expect(seqs(sub.messages)).toEqual([1]);
  });

  it('forgets a dropped connection', async () => {
    const sub = subscribe('t', '?after=0');
    await expect.poll(() => app.streams.size === 1, { message: 'subscriber' }).toBeTruthy();
    sub.close();
    await expect.poll(() => app.streams.size === 0, { message: 'cleanup' }).toBeTruthy();
    await backend.publish('t', 'after close');
    expect(sub.messages).toEqual([]);
  });

  it('sends keep-alive comments and ends streams when the server closes', async () => {
    await closeServer(app.server);
    await start({ keepAliveMs: 20 });
    const sub = subscribe('t');
    await expect.poll(() => sub.raw().includes(':keep-alive\n\n'), { message: 'keep-alive' }).toBeTruthy();
    let closed = false;
    app.server.close(() => (closed = true));
    await expect.poll(() => closed && sub.closed(), { message: 'server close with an open stream' }).toBeTruthy();
  });

  it('drops a subscriber that does not read once more than the limit is unsent', async () => {
    await closeServer(app.server);
    await start({ maxBufferedBytes: 64 * 1024 });
    const stalled = subscribe('t', '', { paused: true });
    const reader = subscribe('t');
    await expect.poll(() => app.streams.size === 2, { message: 'subscribers' }).toBeTruthy();
    const chunk = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 400 && app.streams.size === 2; i++) {
      await backend.publish('t', chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => app.streams.size === 1, { timeout: 5000, message: 'slow subscriber dropped' }).toBeTruthy();
    // A paused socket does not read, so it sees the close only once it reads again.
    stalled.resume();
    await expect.poll(() => stalled.closed(), { message: 'stalled stream ended' }).toBeTruthy();
    await expect.poll(() => reader.messages.length > 0, { message: 'reader keeps reading' }).toBeTruthy();
    expect(reader.closed()).toBe(false);
    const warnings = recorded.messages.flatMap((m) => (m.type === 'log' && m.record.level === 'warn' ? [m.record.msg] : []));
    expect(warnings).toContain('slow subscriber dropped');
  });
});

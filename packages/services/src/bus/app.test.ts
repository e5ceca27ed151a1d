import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusBacklog } from '../contract/bus-api.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createBusApp, type BusApp } from './app.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

describe('bus HTTP API', () => {
  let app: BusApp;
  let base: string;

  beforeEach(async () => {
    app = createBusApp({ backend: createEmbeddedBusBackend({ retain: 3, clock: () => 1_700_000_000_000 }), telemetry: recordTelemetry('bus').telemetry });
    base = (await listenOnLoopback(app.server)).url;
  });

  afterEach(async () => {
    await closeServer(app.server);
    await app.close();
  });

  const publish = (topic: string, body: unknown) =>
    fetch(`${base}/bus/topics/${topic}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('publishes with a per-topic seq from 1 and answers 201 { topic, seq }', async () => {
    const first = await publish('token.revoked', { data: { jti: 'j1' } });
    expect(first.status).toBe(201);
    expect(await jsonOf(first)).toEqual({ topic: 'token.revoked', seq: 1 });
    expect(await jsonOf(await publish('token.revoked', { data: null }))).toEqual({ topic: 'token.revoked', seq: 2 });
    expect(await jsonOf(await publish('user.verified', { data: [1] }))).toEqual({ topic: 'user.verified', seq: 1 });
  });

  it('serves the retained backlog after a seq, with latest and oldest seq', async () => {
    for (let i = 1; i <= 5; i++) await publish('t', { data: { i } });
    const all: BusBacklog = await jsonOf(await fetch(`${base}/bus/topics/t/messages`));
    expect(all).toMatchObject({ topic: 't', latestSeq: 5, oldestSeq: 3 });
    expect(all.messages).toEqual([3, 4, 5].map((seq) => ({ topic: 't', seq, time: 1_700_000_000_000, data: { i: seq } })));
    const page: BusBacklog = await jsonOf(await fetch(`${base}/bus/topics/t/messages?after=3&limit=1`));
    expect(page.messages.map((m) => m.seq)).toEqual([4]);
    expect(await jsonOf(await fetch(`${base}/bus/topics/empty/messages`))).toEqual({ topic: 'empty', epoch: expect.any(String), latestSeq: 0, oldestSeq: 1, messages: [] });
  });

  it.each(['Upper', '1digit', '-dash', 'a'.repeat(65), 'sp%20ace', 'sl%2Fash'])('refuses the topic %s with 400 BUS_TOPIC_INVALID', async (topic) => {
    for (const res of [await publish(topic, { data: 1 }), await fetch(`${base}/bus/topics/${topic}/messages`), await fetch(`${base}/bus/topics/${topic}/stream`)]) {
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('BUS_TOPIC_INVALID');
    }
  });

  it('accepts data up to 64 KiB and refuses more with 413 BUS_MESSAGE_TOO_LARGE', async () => {
    expect((await publish('t', { data: 'x'.repeat(64 * 1024 - 2) })).status).toBe(201);
    const over = await publish('t', { data: 'x'.repeat(64 * 1024) });
    expect(over.status).toBe(413);
    expect((await jsonOf(over)).error.code).toBe('BUS_MESSAGE_TOO_LARGE');
    expect((await jsonOf(await fetch(`${base}/bus/topics/t/messages`))).latestSeq).toBe(1);
  });

  it('refuses a body without data and bad query values with 400 HTTP_VALIDATION_FAILED', async () => {
    for (const res of [
      await publish('t', { other: 1 }),
      await fetch(`${base}/bus/topics/t/messages?after=-1`),
      await fetch(`${base}/bus/topics/t/messages?limit=0`),
      await fetch(`${base}/bus/topics/t/stream?after=x`),
    ]) {
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('HTTP_VALIDATION_FAILED');
    }
  });

  it('answers /health and registers no gateway route', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await jsonOf(health)).toEqual({ status: 'ok', subscribers: 0 });
    expect(app.routes).toEqual([]);
  });
});

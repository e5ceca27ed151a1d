import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { BusBacklog } from '../contract/bus-api.js';
import { busPublishers } from '../contract/service-auth.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { createBusApp, type BusApp } from './app.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

// Issue 23: the bus takes service tokens (RFC 6750 bearer): bus.publish to publish, on a topic
// the client's service may publish on (busPublishers: only auth says a user is deleted or a
// token revoked, CWE-345), and bus.subscribe to read.

// Each test gets a guarded bus of its own.
let app: BusApp;
let base: string;

beforeEach(async () => {
  app = createBusApp({ backend: createEmbeddedBusBackend(), telemetry: recordTelemetry('bus').telemetry, serviceAuth: createTestServiceGuard('bus') });
  base = (await listenOnLoopback(app.server)).url;
});

afterEach(async () => {
  await closeServer(app.server);
  await app.close();
});

describe('guarded bus: publishing needs bus.publish and a topic the client may publish on', () => {
  const publish = (topic: string, headers: Record<string, string> = {}, data: unknown = { n: 1 }) =>
    fetch(`${base}/bus/topics/${topic}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ data }) });
  const subscriber = () => testServiceHeaders('mail#1', 'bus', ['bus.subscribe']);
  const backlog = async (topic: string): Promise<BusBacklog> => {
    const res = await fetch(`${base}/bus/topics/${topic}/messages`, { headers: subscriber() });
    expect(res.status).toBe(200);
    return jsonOf(res);
  };

  it('answers 401 HTTP_SERVICE_TOKEN_MISSING with a Bearer challenge naming bus.publish to a publish without a token', async () => {
    const res = await publish('chat.message');
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*scope="bus\.publish"/);
    expect((await backlog('chat.message')).latestSeq).toBe(0);
  });

  it('answers 401 HTTP_SERVICE_TOKEN_INVALID to a publish token for another audience (RFC 8725 §3.9)', async () => {
    const res = await publish('chat.message', testServiceHeaders('chat#1', 'cache', ['bus.publish']));
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
    expect((await backlog('chat.message')).latestSeq).toBe(0);
  });

  it('answers 403 HTTP_SERVICE_SCOPE_MISSING to a publish with only bus.subscribe', async () => {
    const res = await publish('chat.message', testServiceHeaders('chat#1', 'bus', ['bus.subscribe']));
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await backlog('chat.message')).latestSeq).toBe(0);
  });

  it('lets chat#1 publish on chat.message (201)', async () => {
    const res = await publish('chat.message', testServiceHeaders('chat#1', 'bus', ['bus.publish']), { text: 'hi' });
    expect(res.status).toBe(201);
    expect(await jsonOf(res)).toEqual({ topic: 'chat.message', seq: 1 });
    expect((await backlog('chat.message')).messages.map((message) => message.data)).toEqual([{ text: 'hi' }]);
  });

  it.each(['user.deleted', 'token.revoked', 'user.verified', 'user.updated'])('refuses chat#1 publishing on %s with 403 BUS_PUBLISH_FORBIDDEN and stores nothing (CWE-345)', async (topic) => {
    const res = await publish(topic, testServiceHeaders('chat#1', 'bus', ['bus.publish', 'bus.subscribe']), { userId: 'victim' });
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe('BUS_PUBLISH_FORBIDDEN');
    const stored = await backlog(topic);
    expect(stored.latestSeq).toBe(0);
    expect(stored.messages).toEqual([]);
  });

  it('refuses auth#1 publishing on chat.message with 403 BUS_PUBLISH_FORBIDDEN', async () => {
    const res = await publish('chat.message', testServiceHeaders('auth#1', 'bus', ['bus.publish']));
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe('BUS_PUBLISH_FORBIDDEN');
    expect((await backlog('chat.message')).latestSeq).toBe(0);
  });

  it.each(['user.deleted', 'token.revoked'])('lets auth#1 publish on %s (201)', async (topic) => {
    const res = await publish(topic, testServiceHeaders('auth#1', 'bus', ['bus.publish']), { userId: 'u1' });
    expect(res.status).toBe(201);
    expect((await backlog(topic)).messages.map((message) => message.data)).toEqual([{ userId: 'u1' }]);
  });

  it('leaves a topic not in busPublishers open to any holder of bus.publish', async () => {
    expect(busPublishers['demo.things']).toBeUndefined();
    for (const clientId of ['chat#1', 'mail#1', 'auth#1']) {
      expect((await publish('demo.things', testServiceHeaders(clientId, 'bus', ['bus.publish']))).status).toBe(201);
    }
    expect((await backlog('demo.things')).latestSeq).toBe(3);
    // Still not without the scope.
    expect((await publish('demo.things', testServiceHeaders('mail#1', 'bus', ['bus.subscribe']))).status).toBe(403);
  });
});

describe('guarded bus: reading needs bus.subscribe', () => {
  const paths = ['/bus/topics/chat.message/messages', '/bus/topics/chat.message/stream'];

  it.each(paths)('answers 401 HTTP_SERVICE_TOKEN_MISSING with a challenge naming bus.subscribe to GET %s without a token', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect(res.headers.get('www-authenticate')).toContain('scope="bus.subscribe"');
    expect(app.streams.size).toBe(0);
  });

  it.each(paths)('answers 403 HTTP_SERVICE_SCOPE_MISSING to GET %s with only bus.publish', async (path) => {
    const res = await fetch(`${base}${path}`, { headers: testServiceHeaders('auth#1', 'bus', ['bus.publish']) });
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect(app.streams.size).toBe(0);
  });

  it('answers HEAD of the stream like GET: 401 without a token, 200 with bus.subscribe', async () => {
    expect((await fetch(`${base}/bus/topics/chat.message/stream`, { method: 'HEAD' })).status).toBe(401);
    expect((await fetch(`${base}/bus/topics/chat.message/stream`, { method: 'HEAD', headers: testServiceHeaders('mail#1', 'bus', ['bus.subscribe']) })).status).toBe(200);
  });

  it('serves the backlog and opens the stream with bus.subscribe', async () => {
    const headers = testServiceHeaders('mail#1', 'bus', ['bus.subscribe']);
    const backlog = await fetch(`${base}/bus/topics/chat.message/messages`, { headers });
    expect(backlog.status).toBe(200);
    expect((await jsonOf(backlog)).latestSeq).toBe(0);
    const abort = new AbortController();
    onTestFinished(() => abort.abort());
    const stream = await fetch(`${base}/bus/topics/chat.message/stream`, { headers, signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(app.streams.size).toBe(1);
  });

  it('keeps /health open', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});

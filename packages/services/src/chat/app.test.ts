import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOf, recordTelemetry } from '#test-support/kit.js';
import type { FakeBus } from '#test-support/kit-token-cache.js';
import type { ChatApp } from './app.js';
import type { ChatStore } from './store.js';
import { chatSocketUrl, refusedHandshake, startChatPair, type ChatPair } from '#test-support/chat.js';
import { asUser, foreignIdentityKey } from '#test-support/kit-identity.js';

describe('chat service', () => {
  let pair: ChatPair;
  let bus: FakeBus;
  let stores: ChatStore[];
  let apps: ChatApp[];
  let bases: string[];
  let connect: ChatPair['connect'];
  const telemetry = recordTelemetry('chat');

  beforeEach(async () => {
    pair = await startChatPair({ telemetry: telemetry.telemetry, maxFrameBytes: 1024 });
    ({ bus, stores, apps, bases } = pair);
    connect = (...args) => pair.connect(...args);
  });
  afterEach(() => pair.close());

  const wsUrl = chatSocketUrl;
  const exp = () => String(Math.floor(Date.now() / 1000) + 900);
  const call = async (base: string, method: string, path: string, body?: unknown, userId: string | null = 'u1') =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(userId ? await asUser(userId, 'chat') : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('greets with the instance and user, and fans a message out to the other instance exactly once', async () => {
    const ada = await connect(0, 'ada');
    const bob = await connect(1, 'bob');
    expect(await ada.next('welcome')).toEqual({ type: 'welcome', instanceId: 'chat#1', userId: 'ada' });
    expect(await bob.next('welcome')).toEqual({ type: 'welcome', instanceId: 'chat#2', userId: 'bob' });
    for (const socket of [ada, bob]) {
      socket.send({ type: 'join', room: 'lobby' });
      expect(await socket.next('joined')).toEqual({ type: 'joined', room: 'lobby', history: [] });
    }
    ada.send({ type: 'send', room: 'lobby', text: 'hello bob' });
    const atBob = await bob.next('message');
    expect(atBob).toMatchObject({ room: 'lobby', from: 'ada', text: 'hello bob', via: 'chat#2' });
    expect(await ada.next('message')).toMatchObject({ id: atBob.id, via: 'chat#1' });
    expect(bus.published.map((message) => message.topic)).toEqual(['chat.message']);

    // The same message again on the bus (a replay) reaches nobody twice.
    bus.publish('chat.message', { ...atBob, via: undefined, origin: 'chat#9' });
    bob.send({ type: 'send', room: 'lobby', text: 'marker' });
    await bob.next('message', (frame) => frame.text === 'marker');
    expect(bob.frames.filter((frame) => frame.type === 'message' && frame.id === atBob.id)).toHaveLength(1);
  });

  it('sends the history on join and over HTTP, and never delivers a message of the history again', async () => {
    stores[0]!.addMessage('lobby', 'ada', 'before you came', Date.now());
    const bob = await connect(1, 'bob');
    bob.send({ type: 'join', room: 'lobby' });
    const joined = await bob.next('joined');
    expect(joined.history.map((message) => message.text)).toEqual(['before you came']);
    // A late bus delivery of a message already in the history is dropped.
    bus.publish('chat.message', { ...joined.history[0]!, origin: 'chat#1' });
    const page = await jsonOf(await call(bases[0]!, 'GET', '/chat/rooms/lobby/messages?limit=1'));
    expect(page).toEqual({ messages: [expect.objectContaining({ text: 'before you came' })], nextBefore: joined.history[0]!.id });
    bob.send({ type: 'send', room: 'lobby', text: 'marker' });
    await bob.next('message');
    expect(bob.frames.filter((frame) => frame.type === 'message').map((frame) => (frame as { text: string }).text)).toEqual(['marker']);
  });

  it('answers bad frames with error frames and keeps the socket open', async () => {
    const ada = await connect(0, 'ada');
    ada.send('not json');
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_BAD_FRAME' });
    ada.send({ type: 'dance' });
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_BAD_FRAME' });
    ada.send({ type: 'join', room: 'nowhere' });
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_UNKNOWN_ROOM', room: 'nowhere' });
    ada.send({ type: 'send', room: 'lobby', text: 'not joined yet' });
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_NOT_JOINED', room: 'lobby' });
    ada.send({ type: 'join', room: 'lobby' });
    await ada.next('joined');
    ada.send({ type: 'send', room: 'lobby', text: 'ring \u0007' });
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_TEXT_INVALID', room: 'lobby' });
    ada.send({ type: 'leave', room: 'lobby' });
    expect(await ada.next('left')).toEqual({ type: 'left', room: 'lobby' });
    expect(stores[0]!.history('lobby', { limit: 10 })).toEqual([]);
  });

  // Message text is multi-line free text (as kit/http/free-text.ts has it, plus no bidi overrides): tab and newline only.
  it('refuses NUL and ESC in message text with CHAT_TEXT_INVALID but delivers tab and newline; room names are refused over HTTP with 400', async () => {
    const ada = await connect(0, 'ada');
    ada.send({ type: 'join', room: 'lobby' });
    await ada.next('joined');
    for (const text of ['Ada\u0000', '\u001b[2JAda']) {
      ada.send({ type: 'send', room: 'lobby', text });
      const error = await ada.next('error', (frame) => frame.code === 'CHAT_TEXT_INVALID');
      expect(error).toMatchObject({ room: 'lobby' });
      expect(JSON.stringify(error)).not.toContain('Ada');
    }
    ada.send({ type: 'send', room: 'lobby', text: 'two\nlines\tand a tab' });
    expect(await ada.next('message')).toMatchObject({ text: 'two\nlines\tand a tab' });
    expect(stores[0]!.history('lobby', { limit: 10 }).map((message) => message.text)).toEqual(['two\nlines\tand a tab']);

    for (const name of ['room\u0000', 'room\u001b']) {
      const res = await call(bases[0]!, 'POST', '/chat/rooms', { name });
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', details: [{ path: 'body.name' }] });
    }
  });

  it('closes the socket with 1009 and names the limit for a frame above it', async () => {
    const ada = await connect(0, 'ada');
    ada.send(JSON.stringify({ type: 'send', room: 'lobby', text: 'x'.repeat(2000) }));
    expect(await ada.closed).toEqual({ code: 1009, reason: 'frame larger than the 1024-byte limit' });
  });

  it('closes the sockets of a revoked token with 4401 on every instance, and refuses its next handshake', async () => {
    const one = await connect(0, 'ada', 'jti-a');
    const two = await connect(1, 'ada', 'jti-a');
    const other = await connect(1, 'ada', 'jti-b');
    await bus.publish('token.revoked', { jti: 'jti-a', userId: 'ada', exp: Math.floor(Date.now() / 1000) + 900 });
    expect(await one.closed).toEqual({ code: 4401, reason: 'token revoked' });
    expect(await two.closed).toEqual({ code: 4401, reason: 'token revoked' });
    other.send({ type: 'join', room: 'lobby' });
    await other.next('joined');
    const late = await refusedHandshake(wsUrl(bases[0]!), await asUser('ada', 'chat', { tokenJti: 'jti-a', tokenExp: Number(exp()) }));
    expect([late.status, (late.body as { error: { code: string } }).error.code]).toEqual([401, 'CHAT_SESSION_ENDED']);
  });

  it('closes a socket with 4401 when its token expires', async () => {
    const soon = String(Math.floor(Date.now() / 1000) + 2);
    const ada = await connect(0, 'ada', 'jti-soon', soon);
    expect(await ada.closed).toEqual({ code: 4401, reason: 'token expired' });
  });

  it('refuses a handshake without the gateway’s user (401), a wrong path (404), and a GET without upgrade (426)', async () => {
    const anonymous = await refusedHandshake(wsUrl(bases[0]!));
    expect([anonymous.status, (anonymous.body as { error: { code: string } }).error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
    const elsewhere = await refusedHandshake(`${bases[0]!.replace('http:', 'ws:')}/chat/rooms`, await asUser('ada', 'chat'));
    expect(elsewhere.status).toBe(404);
    const plain = await call(bases[0]!, 'GET', '/chat/ws');
    expect([plain.status, (await jsonOf(plain)).error.code, plain.headers.get('upgrade')]).toEqual([426, 'CHAT_UPGRADE_REQUIRED', 'websocket']);
  });

  // Issue 23 item 1: a WebSocket straight to chat with a header naming the victim opened a socket as the victim.
  it('opens no socket for a bare x-user-id, nor for an assertion to another service or signed with another key', async () => {
    for (const headers of [
      { 'x-user-id': 'victim', 'x-token-id': 'jti-v', 'x-token-exp': exp() },
      await asUser('victim', 'profile'),
      await asUser('victim', 'chat', { key: foreignIdentityKey.privateJwk }),
    ]) {
      const refused = await refusedHandshake(wsUrl(bases[0]!), headers);
      expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
    }
    expect([...apps[0]!.hub.connections()]).toHaveLength(0);
  });

  it('answers a malformed handshake with CHAT_HANDSHAKE_INVALID as JSON', async () => {
    const { port, hostname } = new URL(bases[0]!);
    const assertion = await asUser('ada', 'chat');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: hostname, port, path: '/chat/ws', headers: { connection: 'Upgrade', upgrade: 'websocket', ...assertion } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('upgrade', () => reject(new Error('switched protocols without a key')));
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('CHAT_HANDSHAKE_INVALID');
  });

  it('creates rooms over HTTP and refuses a taken or malformed name', async () => {
    const created = await call(bases[0]!, 'POST', '/chat/rooms', { name: 'ops' });
    expect([created.status, (await jsonOf(created)).room]).toEqual([201, { name: 'ops', createdBy: 'u1', createdAt: expect.any(Number) }]);
    expect((await jsonOf(await call(bases[1]!, 'POST', '/chat/rooms', { name: 'ops' }))).error.code).toBe('CHAT_ROOM_EXISTS');
    expect((await call(bases[1]!, 'POST', '/chat/rooms', { name: 'Bad Name' })).status).toBe(400);
    expect((await jsonOf(await call(bases[1]!, 'GET', '/chat/rooms'))).rooms.map((room: { name: string }) => room.name)).toEqual(['lobby', 'ops']);
    expect((await jsonOf(await call(bases[1]!, 'GET', '/chat/rooms/nope/messages'))).error.code).toBe('CHAT_UNKNOWN_ROOM');
    expect((await call(bases[1]!, 'GET', '/chat/rooms', undefined, null)).status).toBe(401);
  });

  it('records a server span per handshake and logs no message text', async () => {
    const ada = await connect(0, 'ada');
    ada.send({ type: 'join', room: 'lobby' });
    await ada.next('joined');
    ada.send({ type: 'send', room: 'lobby', text: 'a secret plan' });
    await ada.next('message');
    // The newest: the recorder is the describe's, and tests before this one (in any order) shook hands too.
    const span = telemetry.spans().findLast((candidate) => candidate.name === 'GET /chat/ws' && candidate.status === 101);
    expect(span?.attributes).toMatchObject({ upgrade: 'websocket', userId: 'ada' });
    expect(JSON.stringify(telemetry.messages)).not.toContain('a secret plan');
  });
});

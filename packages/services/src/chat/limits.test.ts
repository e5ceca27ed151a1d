import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatLimits, type ChatServerFrame } from '../contract/chat-api.js';
import { asUser, createTestIdentityVerifier } from '#test-support/kit-identity.js';
import { recordTelemetry } from '#test-support/kit.js';
import { chatSocketUrl, openTestSocket, refusedHandshake, startChatPair, type ChatPair, type TestSocket } from '#test-support/chat.js';

// The chat's abuse limits (docs/chat-limits.md) on two in-process instances over one database,
// with small numbers: 1 frame/s, a burst of 3, closed (RFC 6455 §7.4.1: 1008) at the 3rd refusal.
const limits = { ...chatLimits, framesPerSecond: 1, frameBurst: 3, abuseRefusals: 3, abuseWindowMs: 60_000 };

const texts = (socket: TestSocket) => socket.frames.filter((frame) => frame.type === 'message').map((frame) => (frame as Extract<ChatServerFrame, { type: 'message' }>).text);
const codes = (socket: TestSocket) => socket.frames.filter((frame) => frame.type === 'error').map((frame) => (frame as Extract<ChatServerFrame, { type: 'error' }>).code);

describe('chat limits', () => {
  let pair: ChatPair;
  let telemetry = recordTelemetry('chat');
  beforeEach(() => {
    telemetry = recordTelemetry('chat');
  });
  afterEach(() => pair?.close());

  async function joined(instance: number, userId: string): Promise<TestSocket> {
    const socket = await pair.connect(instance, userId);
    await socket.next('welcome');
    socket.send({ type: 'join', room: 'lobby' });
    await socket.next('joined');
    return socket;
  }

  it('answers frames over the rate CHAT_RATE_LIMITED, stores and fans out none of them, and closes a socket that keeps going with 1008', async () => {
    pair = await startChatPair({ telemetry: telemetry.telemetry, limits });
    const bob = await joined(1, 'bob');
    const ada = await joined(0, 'ada');
    // The join took one token: two sends pass, the next three are refused, the third refusal closes.
    for (let i = 0; i < 8; i++) ada.send({ type: 'send', room: 'lobby', text: `flood ${i}` });
    expect(await ada.closed).toEqual({ code: 1008, reason: 'message rate exceeded' });
    expect(texts(ada)).toEqual(['flood 0', 'flood 1']);
    expect(codes(ada)).toEqual(['CHAT_RATE_LIMITED', 'CHAT_RATE_LIMITED', 'CHAT_RATE_LIMITED']);
    await expect.poll(() => texts(bob).length === 2, { timeout: 5000, message: 'the two messages on the other instance' }).toBeTruthy();
    bob.send({ type: 'send', room: 'lobby', text: 'marker' });
    await bob.next('message', (frame) => frame.text === 'marker');
    expect(texts(bob)).toEqual(['flood 0', 'flood 1', 'marker']);
    expect(pair.stores[0]!.history('lobby', { limit: 10 }).map((message) => message.text)).toEqual(['flood 0', 'flood 1', 'marker']);
    expect(telemetry.events().filter((event) => event.name === 'chat.rate.abusive')).toHaveLength(1);
  });

  it('stores nothing and tells the sender CHAT_BUS_UNAVAILABLE when the bus does not take a message; nobody else gets it', async () => {
    pair = await startChatPair({ telemetry: telemetry.telemetry });
    const bob = await joined(1, 'bob');
    const ada = await joined(0, 'ada');
    pair.bus.failing = true;
    ada.send({ type: 'send', room: 'lobby', text: 'lost?' });
    expect(await ada.next('error')).toMatchObject({ code: 'CHAT_BUS_UNAVAILABLE', room: 'lobby' });
    pair.bus.failing = false;
    ada.send({ type: 'send', room: 'lobby', text: 'after' });
    await bob.next('message', (frame) => frame.text === 'after');
    await ada.next('message', (frame) => frame.text === 'after');
    expect([texts(ada), texts(bob)]).toEqual([['after'], ['after']]);
    expect(pair.stores[1]!.history('lobby', { limit: 10 }).map((message) => message.text)).toEqual(['after']);
  });

  it('acknowledges a send only once the bus took it, keeps one sender’s order, and answers CHAT_BUSY past the instance’s publishes in flight', async () => {
    pair = await startChatPair({ telemetry: telemetry.telemetry, limits: { ...chatLimits, maxPublishesInFlight: 1 } });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const publish = pair.bus.publish.bind(pair.bus);
    pair.bus.publish = async (topic, data) => {
      await gate;
      return publish(topic, data);
    };
    const ada = await joined(0, 'ada');
    const cy = await joined(0, 'cy');
    ada.send({ type: 'send', room: 'lobby', text: 'one' });
    ada.send({ type: 'send', room: 'lobby', text: 'two' });
    await expect.poll(() => pair.stores[0]!.history('lobby', { limit: 10 }).length === 1, { timeout: 5000, message: 'the first message stored and awaiting the bus' }).toBeTruthy();
    cy.send({ type: 'send', room: 'lobby', text: 'busy' });
    expect(await cy.next('error')).toMatchObject({ code: 'CHAT_BUSY' });
    expect(texts(ada)).toEqual([]);
    open();
    await ada.next('message', (frame) => frame.text === 'two');
    expect(texts(ada)).toEqual(['one', 'two']);
    expect(texts(cy)).toEqual(['one', 'two']);
  });

  it('refuses a user’s socket past the cap at the handshake with 429 CHAT_TOO_MANY_SOCKETS, across both instances; closing one lets the next in', async () => {
    pair = await startChatPair({ telemetry: telemetry.telemetry, maxSocketsPerUser: 2 });
    const first = await pair.connect(0, 'ada');
    await pair.connect(1, 'ada');
    for (const base of pair.bases) {
      const refused = await refusedHandshake(chatSocketUrl(base), await asUser('ada', 'chat'));
      expect([refused.status, refused.body]).toEqual([429, { error: expect.objectContaining({ code: 'CHAT_TOO_MANY_SOCKETS', message: 'This user has 2 chat sockets open already.' }) }]);
    }
    // Another user is not affected.
    await pair.connect(0, 'bob');
    first.socket.close();
    await first.closed;
    let next: TestSocket | undefined;
    await expect.poll(async () => {
        next = await openTestSocket(chatSocketUrl(pair.bases[1]!), await asUser('ada', 'chat')).catch(() => undefined);
        return next !== undefined;
      }, { timeout: 5000, message: 'a seat freed by the closed socket' }).toBeTruthy();
    pair.sockets.push(next!);
    expect(await next!.next('welcome')).toMatchObject({ userId: 'ada', instanceId: 'chat#2' });
  });

  it('gives the seat back when a client hangs up in the middle of its handshake (no seat leaks)', async () => {
    // Verification slow enough that the client is gone by the time its seat is taken.
    const verifier = createTestIdentityVerifier('chat');
    const identity = { audience: verifier.audience, verify: async (assertion: string) => (await new Promise((resolve) => setTimeout(resolve, 100)), verifier.verify(assertion)) };
    pair = await startChatPair({ telemetry: telemetry.telemetry, maxSocketsPerUser: 1, identity });
    const { hostname: host, port } = new URL(pair.bases[0]!);
    const headers = await asUser('ada', 'chat');
    for (let i = 0; i < 5; i++) {
      const lines = ['GET /chat/ws HTTP/1.1', `Host: ${host}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      const raw = connect({ host, port: Number(port) });
      await once(raw, 'connect');
      raw.write(`${lines.join('\r\n')}\r\n\r\n`);
      // Half of them hang up politely (FIN), half with a reset (RST).
      if (i % 2 === 0) raw.end(() => raw.destroy());
      else raw.resetAndDestroy();
    }
    let socket: TestSocket | undefined;
    await expect.poll(async () => {
        socket = await openTestSocket(chatSocketUrl(pair.bases[0]!), headers).catch(() => undefined);
        return socket !== undefined;
      }, { timeout: 5000, message: 'a seat after five abandoned handshakes' }).toBeTruthy();
    pair.sockets.push(socket!);
    expect(await socket!.next('welcome')).toMatchObject({ userId: 'ada' });
  });
});

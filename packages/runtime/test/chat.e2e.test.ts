import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWebSocket } from '../src/index.js';
import { toWebSocketUrl, type WebSocketClient } from '../src/client/index.js';
import { chatLimits, type ChatServerFrame } from '@topolab/services/contract';
import { isAlive } from './helpers.js';
import { createEventLog, errorCode, handledSecrets, logIn, signUp, startRealTopology, type RealTopology, type SignedUpUser } from './real-topology.js';

type Frame<T extends ChatServerFrame['type']> = Extract<ChatServerFrame, { type: T }>;
const isFrame =
  <T extends ChatServerFrame['type']>(type: T, matches: (frame: Frame<T>) => boolean = () => true) =>
  (frame: unknown) =>
    (frame as { type?: unknown })?.type === type && matches(frame as Frame<T>);

// Chat through the real gateway (server-side discovery: through the lb), two chat instances and the bus.
describe('chat through the real topology', () => {
  let real: RealTopology;
  let ada: SignedUpUser;
  let bob: SignedUpUser;
  const events = createEventLog();
  const sockets: WebSocketClient[] = [];
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'chat', modes: { discovery: 'server', auth: 'local' }, onEvent: events.listener });
    ada = await signUp(real.topology, real.gateway);
    bob = await signUp(real.topology, real.gateway);
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    const pids = real?.topology.instances().map((instance) => instance.pid) ?? [];
    await real?.stop();
    for (const pid of pids) if (pid !== undefined) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  });

  const url = () => toWebSocketUrl(real.topology.gatewayUrl, '/chat/ws');
  async function open(token: string): Promise<{ socket: WebSocketClient; instanceId: string }> {
    const socket = await connectWebSocket({ url: url(), token });
    sockets.push(socket);
    const welcome = await socket.next<Frame<'welcome'>>(isFrame('welcome'));
    return { socket, instanceId: welcome.instanceId };
  }
  /** Opens sockets for `token` until one lands on an instance `accepts` (closing the others). */
  async function openWhere(token: string, accepts: (instanceId: string) => boolean): Promise<{ socket: WebSocketClient; instanceId: string }> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const chat = await open(token);
      if (accepts(chat.instanceId)) return chat;
      await chat.socket.close();
    }
    throw new Error('no socket landed on the instance wanted');
  }
  /** Opens sockets for `token` until one lands on an instance other than `not`. */
  const openElsewhere = (token: string, not: string) => openWhere(token, (instanceId) => instanceId !== not);
  async function joinLobby(chat: { socket: WebSocketClient }): Promise<void> {
    chat.socket.send({ type: 'join', room: 'lobby' });
    await chat.socket.next(isFrame('joined'), { timeoutMs: 10_000 });
  }
  const textsOf = (socket: WebSocketClient, from: string) => socket.received.filter(isFrame('message', (frame) => frame.from === from)).map((frame) => (frame as Frame<'message'>).text);

  it('refuses a handshake without a token or with a forged one at the gateway (401)', async () => {
    await expect(connectWebSocket({ url: url() })).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_REFUSED', details: { status: 401, code: 'GATEWAY_UNAUTHENTICATED' } });
    const forged = `${ada.accessToken.slice(0, -4)}AAAA`;
    await expect(connectWebSocket({ url: url(), token: forged })).rejects.toMatchObject({ details: { status: 401, code: 'GATEWAY_TOKEN_INVALID' } });
  });

  it('fans a message out from one chat instance to a socket on the other, exactly once, saying which instance delivered it', async () => {
    const one = await open(ada.accessToken);
    const two = await openElsewhere(bob.accessToken, one.instanceId);
    expect(new Set([one.instanceId, two.instanceId])).toEqual(new Set(['chat#1', 'chat#2']));
    for (const chat of [one, two]) {
      chat.socket.send({ type: 'join', room: 'lobby' });
      await chat.socket.next(isFrame('joined'));
    }
    for (let i = 0; i < 5; i++) one.socket.send({ type: 'send', room: 'lobby', text: `ada ${i}` });
    const received: Frame<'message'>[] = [];
    for (let i = 0; i < 5; i++) received.push(await two.socket.next<Frame<'message'>>(isFrame('message', (frame) => frame.text === `ada ${i}`)));
    expect(received.map((frame) => [frame.from, frame.via])).toEqual(Array.from({ length: 5 }, () => [ada.userId, two.instanceId]));
    const echoes = await Promise.all(received.map((frame) => one.socket.next<Frame<'message'>>(isFrame('message', (echo) => echo.id === frame.id))));
    expect(echoes.every((echo) => echo.via === one.instanceId)).toBe(true);
    two.socket.send({ type: 'send', room: 'lobby', text: 'last' });
    await one.socket.next(isFrame('message', (frame) => frame.text === 'last'));
    const ids = two.socket.received.filter(isFrame('message')).map((frame) => (frame as Frame<'message'>).id);
    expect(ids.length).toBe(new Set(ids).size);
    const history = await real.gateway.request<{ messages: { text: string }[] }>({ method: 'GET', path: '/chat/rooms/lobby/messages', token: bob.accessToken });
    expect(history.body.messages.map((message) => message.text)).toEqual(['ada 0', 'ada 1', 'ada 2', 'ada 3', 'ada 4', 'last']);
  });

  it('answers an unknown room with an error frame, and closes an oversized frame with 1009', async () => {
    const { socket } = await open(ada.accessToken);
    socket.send({ type: 'join', room: 'does-not-exist' });
    expect(await socket.next(isFrame('error'))).toMatchObject({ code: 'CHAT_UNKNOWN_ROOM' });
    const unknown = await real.gateway.request({ method: 'GET', path: '/chat/rooms/does-not-exist/messages', token: ada.accessToken });
    expect([unknown.status, errorCode(unknown.body)]).toEqual([404, 'CHAT_UNKNOWN_ROOM']);
    socket.send('x'.repeat(20_000));
    expect(await socket.closed).toEqual({ code: 1009, reason: 'frame larger than the 16384-byte limit' });
  });

  it('closes the sockets of a logged-out session with 4401 (on whichever instance holds them), and no other session’s', async () => {
    const tokens = await logIn(real.topology, real.gateway, ada);
    const doomed = await open(tokens.accessToken);
    const survivor = await open(ada.accessToken);
    const logout = await real.gateway.request({ method: 'POST', path: '/auth/logout', token: tokens.accessToken, body: { refreshToken: tokens.refreshToken } });
    expect(logout.status).toBe(204);
    expect(await doomed.socket.closed).toEqual({ code: 4401, reason: 'token revoked' });
    survivor.socket.send({ type: 'join', room: 'lobby' });
    await survivor.socket.next(isFrame('joined'));
    expect(events.named('chat.session.ended').map((event) => event.data)).toEqual([{ userId: ada.userId, connection: expect.any(Number), reason: 'revoked' }]);
  });

  // Issue 24: one socket flooding 3000 frames in a burst used to time the bus out and starve everyone else.
  it('survives a flood from one socket: the flooder gets CHAT_RATE_LIMITED then 1008, every message it was told is sent and all of another user’s reach the other instance, no bus timeout', async () => {
    const [flooder, other, receiver] = [await signUp(real.topology, real.gateway), await signUp(real.topology, real.gateway), await signUp(real.topology, real.gateway)];
    const flood = await open(flooder.accessToken);
    const meanwhile = await openWhere(other.accessToken, (instanceId) => instanceId === flood.instanceId);
    const far = await openElsewhere(receiver.accessToken, flood.instanceId);
    for (const chat of [flood, meanwhile, far]) await joinLobby(chat);
    const failedBefore = events.named('chat.fanout.failed').length;

    for (let i = 0; i < 3000; i++) flood.socket.send({ type: 'send', room: 'lobby', text: `flood ${i}` });
    const theirs = Array.from({ length: 20 }, (_, i) => `meanwhile ${i}`);
    for (const text of theirs) meanwhile.socket.send({ type: 'send', room: 'lobby', text });

    // RFC 6455 §7.4.1: 1008 is the policy-violation close.
    expect(await flood.socket.closed).toEqual({ code: 1008, reason: 'message rate exceeded' });
    const acknowledged = textsOf(flood.socket, flooder.userId);
    const refused = flood.socket.received.filter(isFrame('error', (frame) => frame.code === 'CHAT_RATE_LIMITED')).length;
    expect(refused).toBe(chatLimits.abuseRefusals);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThanOrEqual(chatLimits.frameBurst);
    for (const text of theirs) await meanwhile.socket.next(isFrame('message', (frame) => frame.text === text), { timeoutMs: 10_000 });
    // Published after everything above was acknowledged: once it is at the far socket, so is the rest.
    meanwhile.socket.send({ type: 'send', room: 'lobby', text: 'marker' });
    await far.socket.next(isFrame('message', (frame) => frame.text === 'marker'), { timeoutMs: 10_000 });
    expect(textsOf(far.socket, flooder.userId)).toEqual(acknowledged);
    expect(textsOf(far.socket, other.userId)).toEqual([...theirs, 'marker']);
    const history = await real.gateway.request<{ messages: { from: string; text: string }[] }>({ method: 'GET', path: '/chat/rooms/lobby/messages?limit=200', token: receiver.accessToken });
    expect(history.body.messages.filter((message) => message.from === flooder.userId).map((message) => message.text)).toEqual(acknowledged);
    expect(events.named('chat.fanout.failed').length - failedBefore).toBe(0);
  });

  it(`refuses a user’s socket past ${chatLimits.maxSocketsPerUser} at the handshake with 429 CHAT_TOO_MANY_SOCKETS, leaks no gateway fd, and lets one in when one closes`, async () => {
    const user = await signUp(real.topology, real.gateway);
    const held: WebSocketClient[] = [];
    for (let i = 0; i < chatLimits.maxSocketsPerUser; i++) held.push((await open(user.accessToken)).socket);
    const gatewayPid = real.topology.instances().find((instance) => instance.service === 'gateway')!.pid!;
    const fds = () => readdirSync(`/proc/${gatewayPid}/fd`).length;
    const before = fds();
    for (let i = 0; i < 20; i++) {
      await expect(connectWebSocket({ url: url(), token: user.accessToken })).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_REFUSED', details: { status: 429, code: 'CHAT_TOO_MANY_SOCKETS' } });
    }
    // Each refused tunnel (client side and upstream) is closed by then or soon after.
    await expect.poll(() => fds() <= before, { timeout: 10_000, message: `the gateway's fds back to ${before} (now ${fds()})` }).toBeTruthy();
    await held[0]!.close();
    // The seat is given back when chat sees the close, a moment after the client does.
    await expect.poll(async () => {
      const socket = await connectWebSocket({ url: url(), token: user.accessToken }).catch(() => undefined);
      if (socket) sockets.push(socket);
      return socket !== undefined;
    }, { timeout: 10_000, message: 'a socket in the freed seat' }).toBeTruthy();
  });

  // Last: it stops the topology so every log file is complete.
  it('writes no token and no message text in any instance log', async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await real.topology.stop();
    const logDir = join(real.dataDir, 'logs');
    const text = readdirSync(logDir).map((name) => readFileSync(join(logDir, name), 'utf8')).join('\n');
    expect(text).toContain('chat#1');
    // Tokens and passwords (the 6-digit codes could match inside any number).
    for (const secret of [...handledSecrets].filter((value) => value.length > 12)) expect(text.includes(secret)).toBe(false);
    expect(text).not.toContain('ada 3');
  });
});

import { performance } from 'node:perf_hooks';
import { chatLimits, defineScenario, type ChatHistoryPage, type TopolabError } from '@topolab/runtime/dsl';
import { frameOf, joinRoom, median, messageWith, openChat, type ChatSocket, type FrameOf } from './support/chat.js';

const room = 'standup';

/**
 * Real time through the gateway: the handshake is authenticated like any request, discovery
 * picks a chat instance, and a message stored by one instance reaches the sockets of the
 * other through the bus — once each, saying which instance delivered it.
 */
export default defineScenario({
  name: 'chat-fanout',
  summary: 'Two users chat over WebSockets through the gateway; their sockets land on chat#1 and chat#2, and every message crosses between the instances over the bus exactly once.',
  async run(ctx) {
    const ada = await ctx.step('Ada signs up and logs in with 2FA', () => ctx.users.signUp({ firstName: 'Ada' }));
    const bob = await ctx.step('Bob signs up and logs in with 2FA', () => ctx.users.signUp({ firstName: 'Bob' }));

    await ctx.step('a handshake without a token is refused at the gateway: 401 on the raw socket', async () => {
      const refused = (await ctx.websocket('/chat/ws').catch((error: unknown) => error)) as TopolabError;
      ctx.expect(refused.code).toBe('CLIENT_WEBSOCKET_REFUSED');
      ctx.expect(refused.details).toMatchObject({ status: 401, code: 'GATEWAY_UNAUTHENTICATED' });
    });

    await ctx.step(`Ada creates the room ${room}`, async () => {
      ctx.expect(await ctx.gateway.post('/chat/rooms', { name: room }, { token: ada.accessToken })).toHaveStatus(201);
    });

    const adaChat = await ctx.step('Ada opens a WebSocket (token in Authorization): the gateway checks it and discovery picks a chat instance', async () => {
      const chat = await openChat(ctx, { token: ada.accessToken });
      const hops = await ctx.hops(chat.socket);
      ctx.expect(hops.map((hop) => hop.instanceId)).toContain(chat.instanceId);
      ctx.note(`Ada's socket is held by ${chat.instanceId}`);
      return chat;
    });

    const bobChat = await ctx.step('Bob connects as a browser would (token as the subprotocol bearer) until his socket lands on the other instance', async () => {
      for (let attempt = 1; attempt <= 8; attempt++) {
        const chat = await openChat(ctx, { token: bob.accessToken, tokenVia: 'subprotocol' });
        ctx.expect(chat.socket.protocol).toBe('bearer');
        if (chat.instanceId !== adaChat.instanceId) {
          ctx.note(`Bob's socket is held by ${chat.instanceId} (attempt ${attempt})`);
          return chat;
        }
        await chat.socket.close();
      }
      throw new Error(`Bob's sockets all landed on ${adaChat.instanceId}`);
    });

    await ctx.step('both join the room; the history is empty', async () => {
      for (const chat of [adaChat, bobChat]) ctx.expect((await joinRoom(chat, room)).history).toEqual([]);
    });

    const exchanged: FrameOf<'message'>[] = [];
    await ctx.step('Ada says hello: Bob gets it from his own instance, Ada her echo from hers', async () => {
      const sentAt = performance.now();
      adaChat.socket.send({ type: 'send', room, text: 'Hello Bob!' });
      const atBob = await messageWith(bobChat, room, 'Hello Bob!');
      const latency = performance.now() - sentAt;
      const echo = await messageWith(adaChat, room, 'Hello Bob!');
      ctx.expect({ from: atBob.from, via: atBob.via }).toEqual({ from: ada.userId, via: bobChat.instanceId });
      ctx.expect(atBob.via).not.toBe(adaChat.instanceId);
      ctx.expect({ id: echo.id, via: echo.via }).toEqual({ id: atBob.id, via: adaChat.instanceId });
      ctx.measure('fan-out latency', Math.round(latency * 10) / 10, 'ms');
      ctx.note(`${adaChat.instanceId} stored message ${atBob.id} and published it; ${bobChat.instanceId} delivered it to Bob ${latency.toFixed(1)} ms after Ada sent it`);
      exchanged.push(atBob);
    });

    await ctx.step('ten messages each way: every one reaches the other socket through the other instance', async () => {
      const latencies: number[] = [];
      for (let i = 1; i <= 10; i++) {
        for (const [from, to] of [
          [adaChat, bobChat],
          [bobChat, adaChat],
        ] as [ChatSocket, ChatSocket][]) {
          const text = `${from === adaChat ? 'ada' : 'bob'} ${i}`;
          const sentAt = performance.now();
          from.socket.send({ type: 'send', room, text });
          const received = await messageWith(to, room, text);
          latencies.push(performance.now() - sentAt);
          ctx.expect(received.via).toBe(to.instanceId);
          await messageWith(from, room, text);
          exchanged.push(received);
        }
      }
      ctx.measure('fan-out latency p50', Math.round(median(latencies) * 10) / 10, 'ms');
      ctx.measure('fan-out latency max', Math.round(Math.max(...latencies) * 10) / 10, 'ms');
    });

    await ctx.step('exactly once: no socket got any message twice', async () => {
      // A marker through the bus last: everything sent before it has been delivered.
      adaChat.socket.send({ type: 'send', room, text: 'marker' });
      // Each socket gets it from its own instance, Ada her echo possibly after Bob: wait for both.
      await Promise.all([messageWith(bobChat, room, 'marker'), messageWith(adaChat, room, 'marker')]);
      for (const chat of [adaChat, bobChat]) {
        const ids = chat.socket.received.filter(frameOf('message')).map((frame) => (frame as FrameOf<'message'>).id);
        ctx.expect(ids.length).toBe(new Set(ids).size);
        ctx.expect(ids.length).toBe(exchanged.length + 1);
      }
    });

    await ctx.step('the history over HTTP holds every message in order, from either instance', async () => {
      const page = await ctx.gateway.get<ChatHistoryPage>(`/chat/rooms/${room}/messages?limit=100`, { token: bob.accessToken });
      ctx.expect(page).toHaveStatus(200);
      ctx.expect(page.body.messages.map((message) => message.text)).toEqual([...exchanged.map((message) => message.text), 'marker']);
      const joined = await joinRoom(await openChat(ctx, { token: ada.accessToken }), room);
      ctx.expect(joined.history.length).toBe(Math.min(chatLimits.historyLimit, exchanged.length + 1));
    });

    await ctx.step('bad frames get error frames and the socket stays open; an oversized one closes it with 1009', async () => {
      adaChat.socket.send('this is not JSON');
      ctx.expect(await adaChat.socket.next(frameOf('error'))).toMatchObject({ code: 'CHAT_BAD_FRAME' });
      adaChat.socket.send({ type: 'join', room: 'no-such-room' });
      ctx.expect(await adaChat.socket.next(frameOf('error'))).toMatchObject({ code: 'CHAT_UNKNOWN_ROOM', room: 'no-such-room' });
      adaChat.socket.send({ type: 'send', room, text: 'beep\u0007' });
      ctx.expect(await adaChat.socket.next(frameOf('error'))).toMatchObject({ code: 'CHAT_TEXT_INVALID' });
      adaChat.socket.send({ type: 'send', room, text: 'still here' });
      await messageWith(bobChat, room, 'still here');
      const big = await openChat(ctx, { token: ada.accessToken });
      big.socket.send({ type: 'send', room, text: 'x'.repeat(chatLimits.maxFrameBytes) });
      const closed = await big.socket.closed;
      ctx.expect(closed).toEqual({ code: 1009, reason: `frame larger than the ${chatLimits.maxFrameBytes}-byte limit` });
      ctx.note(`a ${chatLimits.maxFrameBytes}-character frame: closed ${closed.code} "${closed.reason}"`);
    });
  },
});

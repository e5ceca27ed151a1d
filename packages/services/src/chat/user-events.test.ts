import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { chatCloseCodes } from '../contract/chat-api.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import { createEventConsumer } from '../kit/events/event-consumer.js';
import { createFakeEventLog } from '#test-support/kit-events.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { closeServer, jsonOf, listenOnLoopback, openTestStore, recordTelemetry } from '#test-support/kit.js';
import { testDir } from '@topolab/test-support/files';
import { createFakeBus } from '#test-support/kit-token-cache.js';
import { createChatApp } from './app.js';
import { deletedChatUser, openChatStore } from './store.js';
import { openTestSocket } from '#test-support/chat.js';
import { chatEventHandlers, endDeletedUserSessions } from './user-events.js';
import { asUser, createTestIdentityVerifier } from '#test-support/kit-identity.js';

describe('chat user events', () => {
  it('user.deleted anonymises that user’s messages and rooms, and nobody else’s', () => {
    const store = openTestStore('chat', openChatStore);
    store.createRoom('ops', 'ada', 1);
    store.addMessage('lobby', 'ada', 'my phone is 555', 2);
    store.addMessage('lobby', 'bob', 'hi ada', 3);
    store.addMessage('ops', 'ada', 'deploying', 4);
    const effect = chatEventHandlers(store)['user.deleted']!({ seq: 1, eventId: 'e1', type: 'user.deleted', occurredAt: 0, data: { userId: 'ada', username: 'ada' } });
    expect(effect).toEqual({ messages: 2, rooms: 1 });
    expect(store.history('lobby', { limit: 10 }).map((message) => [message.from, message.text])).toEqual([
      [deletedChatUser.userId, deletedChatUser.text],
      ['bob', 'hi ada'],
    ]);
    expect(store.listRooms().find((room) => room.name === 'ops')?.createdBy).toBeNull();
  });

  it('closes the deleted user’s sockets on every instance, applies the event once, and serves it as applied', async () => {
    const dir = testDir('chat-events');
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const urls: string[] = [];
    for (const instanceId of ['chat#1', 'chat#2']) {
      const store = openChatStore(join(dir, 'chat.db'));
      const { telemetry } = recordTelemetry('chat', { instanceId });
      const app = createChatApp({ store, bus, telemetry, instanceId, serviceAuth: createTestServiceGuard('chat'), identity: createTestIdentityVerifier('chat') });
      const handlers = chatEventHandlers(store);
      const consumer = createEventConsumer({ service: 'chat', instanceId, store: openConsumerStore(store.db), handlers, onEvent: endDeletedUserSessions(app.hub, telemetry), bus, readLog: log.read, telemetry });
      await consumer.start();
      urls.push((await listenOnLoopback(app.server)).url);
      onTestFinished(async () => {
        consumer.close();
        app.drain();
        app.close();
        await closeServer(app.server);
        store.close();
      });
    }
    const connect = async (url: string, userId: string) => openTestSocket(`${url.replace('http:', 'ws:')}/chat/ws`, await asUser(userId, 'chat', { tokenJti: `jti-${userId}-${url.replace(/[^A-Za-z0-9]/g, '-')}` }));
    const [adaOne, adaTwo, bob] = await Promise.all([connect(urls[0]!, 'ada'), connect(urls[1]!, 'ada'), connect(urls[0]!, 'bob')]);
    onTestFinished(() => void bob.socket.close());

    await log.emit(bus, 'user.deleted', { userId: 'ada', username: 'ada' });
    for (const socket of [adaOne, adaTwo]) expect(await socket.closed).toEqual({ code: chatCloseCodes.sessionEnded, reason: 'account deleted' });
    expect(bob.socket.readyState).toBe(bob.socket.OPEN);

    const page = await jsonOf(await fetch(`${urls[1]}/chat/internal/events/applied`, { headers: testServiceHeaders('control', 'chat', ['chat.events']) }));
    expect(page).toMatchObject({ service: 'chat', cursor: 1, events: [{ seq: 1, type: 'user.deleted', effect: { messages: 0, rooms: 0 } }] });
    expect(page.events).toHaveLength(1);
  });
});

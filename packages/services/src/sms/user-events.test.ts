import { describe, expect, it } from 'vitest';
import { consumerStoreWithOneEvent, domainEvent } from '#test-support/kit-events.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { jsonOf, openTestStore, recordTelemetry, serveForTest } from '#test-support/kit.js';
import { createSmsApp } from './app.js';
import { openSmsStore } from './store.js';
import { smsEventHandlers } from './user-events.js';

const openStore = () => openTestStore('sms', openSmsStore);

describe('sms user events', () => {
  it('user.deleted deletes the messages sent to that user, and only theirs', () => {
    const store = openStore();
    store.insert({ time: 1, type: 'otp', to: '+447700900001', userId: 'u1', text: 'code 1' });
    store.insert({ time: 2, type: 'otp', to: '+447700900001', userId: 'u1', text: 'code 2' });
    store.insert({ time: 3, type: 'otp', to: '+447700900002', userId: 'u2', text: 'code 3' });
    store.insert({ time: 4, type: 'otp', to: '+447700900001', text: 'no user named' });
    const deleted = smsEventHandlers(store)['user.deleted']!(domainEvent(1, 'user.deleted', { userId: 'u1', username: 'ann' }));
    expect(deleted).toEqual({ messages: 2 });
    expect(store.listRecent(10).map((message) => message.text)).toEqual(['no user named', 'code 3']);
  });

  it('serves what it applied at GET /sms/internal/events/applied, to a service token with sms.events', async () => {
    const store = openStore();
    const { applied, event } = consumerStoreWithOneEvent(store.db, 'sms', smsEventHandlers(store));
    const { server } = createSmsApp({ store, telemetry: recordTelemetry('sms').telemetry, serviceAuth: createTestServiceGuard('sms'), appliedEvents: applied });
    const { url } = await serveForTest(server);
    const answer = await fetch(`${url}/sms/internal/events/applied`, { headers: testServiceHeaders('control', 'sms', ['sms.events']) });
    expect(await jsonOf(answer)).toMatchObject({ service: 'sms', cursor: 1, events: [{ seq: 1, appliedBy: 'sms#1', effect: { messages: 0 } }] });
    expect((await fetch(`${url}/sms/internal/events/applied`, { headers: testServiceHeaders('control', 'sms', ['sms.read']) })).status).toBe(403);
  });
});

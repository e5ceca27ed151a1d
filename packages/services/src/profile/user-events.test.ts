import { describe, expect, it } from 'vitest';
import { consumerStoreWithOneEvent, domainEvent } from '#test-support/kit-events.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { jsonOf, openTestStore, recordTelemetry, serveForTest } from '#test-support/kit.js';
import { createProfileApp } from './app.js';
import { openProfileStore, type Preferences } from './store.js';
import { profileEventHandlers } from './user-events.js';

const preferences: Preferences = { language: 'en', theme: 'dark', signature: '', notifications: { email: true, sms: false } };

const openStore = () => openTestStore('profile', openProfileStore);

describe('profile user events', () => {
  it('user.deleted deletes that user’s profile and preferences, and only theirs', () => {
    const store = openStore();
    for (const userId of ['u1', 'u2']) {
      store.create(userId, { displayName: userId, bio: '', location: '' }, 1);
      store.setPreferences(userId, preferences, 1);
    }
    const handlers = profileEventHandlers(store);
    expect(handlers['user.deleted']!(domainEvent(1, 'user.deleted', { userId: 'u1', username: 'ann' }))).toEqual({ profiles: 1, preferences: 1 });
    expect(store.get('u1')).toBeUndefined();
    expect(store.getPreferences('u1').theme).toBe('system');
    expect(store.get('u2')?.displayName).toBe('u2');
    expect(store.getPreferences('u2').theme).toBe('dark');
    // A user who never made a profile: nothing to delete.
    expect(handlers['user.deleted']!(domainEvent(2, 'user.deleted', { userId: 'u3', username: 'cy' }))).toEqual({ profiles: 0, preferences: 0 });
  });

  it('serves what it applied at GET /profile/internal/events/applied, to a service token with profile.events', async () => {
    const store = openStore();
    const { applied, event } = consumerStoreWithOneEvent(store.db, 'profile', profileEventHandlers(store));
    const { server } = createProfileApp({ store, telemetry: recordTelemetry('profile').telemetry, serviceAuth: createTestServiceGuard('profile'), appliedEvents: applied });
    const { url } = await serveForTest(server);
    const path = `${url}/profile/internal/events/applied?after=0`;

    const answer = await fetch(path, { headers: testServiceHeaders('control', 'profile', ['profile.events']) });
    expect(answer.status).toBe(200);
    expect(await jsonOf(answer)).toEqual({
      service: 'profile',
      cursor: 1,
      events: [{ seq: 1, eventId: event.eventId, type: 'user.deleted', appliedAt: 5, appliedBy: 'profile#1', effect: { profiles: 0, preferences: 0 } }],
    });
    expect((await fetch(path)).status).toBe(401);
    expect((await fetch(path, { headers: testServiceHeaders('control', 'profile', ['profile.read']) })).status).toBe(403);
    expect((await jsonOf(await fetch(`${url}/profile/internal/events/applied?after=1`, { headers: testServiceHeaders('control', 'profile', ['profile.events']) }))).events).toEqual([]);
  });
});

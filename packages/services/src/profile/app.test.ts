import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '../kit/testing.js';
import { createTestServiceGuard } from '../kit/service-auth/testing.js';
import { createProfileApp } from './app.js';
import { openProfileStore, type ProfileStore } from './store.js';

describe('profile service', () => {
  let dir: string;
  let stores: ProfileStore[];
  let servers: ReturnType<typeof createProfileApp>['server'][];
  let bases: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topolab-profile-'));
    stores = [];
    servers = [];
    bases = [];
    // Two instances over one WAL database, as the topology runs them.
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const store = openProfileStore(join(dir, 'profile.db'));
      const { server } = createProfileApp({ store, telemetry: recordTelemetry('profile').telemetry, serviceAuth: createTestServiceGuard('profile') });
      stores.push(store);
      servers.push(server);
      bases.push((await listenOnLoopback(server, host)).url);
    }
  });

  afterEach(async () => {
    for (const server of servers) await closeServer(server);
    for (const store of stores) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (base: string, method: string, path: string, body?: unknown, userId: string | null = 'user-1') =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(userId ? { 'x-user-id': userId } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('creates on one instance and reads, updates and sets preferences on the other', async () => {
    const [one, two] = bases as [string, string];
    const created = await call(one, 'POST', '/profile', { displayName: 'Ada L.' });
    expect(created.status).toBe(201);
    expect((await jsonOf(created)).preferences.theme).toBe('system');

    const updated = await call(two, 'POST', '/profile/update', { bio: 'Engines.' });
    expect(updated.status).toBe(200);
    expect((await jsonOf(updated)).profile).toMatchObject({ displayName: 'Ada L.', bio: 'Engines.' });

    const prefs = { language: 'pt-BR', theme: 'dark', signature: '— Ada', notifications: { email: false, sms: true } };
    expect((await call(one, 'PUT', '/profile/preferences', prefs)).status).toBe(200);
    const me = await jsonOf(await call(two, 'GET', '/profile/me'));
    expect(me.preferences).toEqual(prefs);
    expect(me.profile.userId).toBe('user-1');
  });

  it('keeps users apart', async () => {
    await call(bases[0]!, 'POST', '/profile', { displayName: 'One' });
    const other = await call(bases[0]!, 'GET', '/profile/me', undefined, 'user-2');
    expect(other.status).toBe(404);
    expect((await jsonOf(other)).error.code).toBe('PROFILE_NOT_FOUND');
  });

  it.each([
    ['POST', '/profile', { displayName: 'Twice' }, 409, 'PROFILE_EXISTS'],
    ['POST', '/profile/update', {}, 400, 'HTTP_VALIDATION_FAILED'],
    ['POST', '/profile/update', { displayName: '' }, 400, 'HTTP_VALIDATION_FAILED'],
    ['POST', '/profile/update', { admin: true }, 400, 'HTTP_VALIDATION_FAILED'],
    ['PUT', '/profile/preferences', { language: 'english', theme: 'dark', signature: '', notifications: { email: true, sms: true } }, 400, 'HTTP_VALIDATION_FAILED'],
    ['PUT', '/profile/preferences', { language: 'en', theme: 'neon', signature: '', notifications: { email: true, sms: true } }, 400, 'HTTP_VALIDATION_FAILED'],
  ])('%s %s %j → %i %s, nothing changed', async (method, path, body, status, code) => {
    await call(bases[0]!, 'POST', '/profile', { displayName: 'Twice' });
    const res = await call(bases[1]!, method, path, body);
    expect(res.status).toBe(status);
    expect((await jsonOf(res)).error.code).toBe(code);
    const me = await jsonOf(await call(bases[0]!, 'GET', '/profile/me'));
    expect(me.profile.displayName).toBe('Twice');
    expect(me.preferences.language).toBe('en');
  });

  it('needs the user the gateway names', async () => {
    const res = await call(bases[0]!, 'GET', '/profile/me', undefined, null);
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_UNAUTHENTICATED');
  });

  it('answers 404 to preferences before a profile exists', async () => {
    const res = await call(bases[0]!, 'PUT', '/profile/preferences', { language: 'en', theme: 'dark', signature: '', notifications: { email: true, sms: true } });
    expect((await jsonOf(res)).error.code).toBe('PROFILE_NOT_FOUND');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { asUser, createTestIdentityVerifier, foreignIdentityKey } from '#test-support/kit-identity.js';
import { createTestServiceGuard } from '#test-support/kit-service-auth.js';
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
      const { server } = createProfileApp({ store, telemetry: recordTelemetry('profile').telemetry, serviceAuth: createTestServiceGuard('profile'), identity: createTestIdentityVerifier('profile') });
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

  const call = async (base: string, method: string, path: string, body?: unknown, userId: string | null = 'user-1', headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(userId ? await asUser(userId, 'profile') : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
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
    expect((await jsonOf(res)).error.code).toBe('HTTP_IDENTITY_UNVERIFIED');
    expect(res.headers.get('www-authenticate')).toMatch(/^IdentityAssertion realm="topolab-services", header="x-jwt-assertion"/);
  });

  // Issue 23 item 1: anything on the machine reaches profile's loopback address, so a header naming a user proves nothing.
  describe('trusts only an identity it can verify', () => {
    const victim = 'user-victim';
    beforeEach(async () => {
      expect((await call(bases[0]!, 'POST', '/profile', { displayName: 'Victim' }, victim)).status).toBe(201);
    });

    const refused = async (res: Response) => [res.status, (await jsonOf(res)).error?.code];

    it('ignores a bare x-user-id (any spelling) and refuses with 401', async () => {
      for (const name of ['x-user-id', 'X-User-Id', 'x_user_id']) {
        expect(await refused(await call(bases[0]!, 'GET', '/profile/me', undefined, null, { [name]: victim }))).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
      }
    });

    it('refuses an assertion signed with another key, for another service, expired, unsigned or sent twice', async () => {
      const forged = [
        await asUser(victim, 'profile', { key: foreignIdentityKey.privateJwk }),
        await asUser(victim, 'mail'),
        await asUser(victim, 'profile', { now: Date.now() - 120_000 }),
        { 'x-jwt-assertion': `${Buffer.from('{"alg":"none","typ":"identity+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'topolab-gateway', sub: victim, aud: 'profile', exp: 4e9, iat: 1, at_jti: 'j', at_exp: 4e9 })).toString('base64url')}.` },
      ];
      for (const headers of forged) expect(await refused(await call(bases[0]!, 'GET', '/profile/me', undefined, null, headers))).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
      const real = (await asUser(victim, 'profile'))['x-jwt-assertion']!;
      const twice = await fetch(`${bases[0]}/profile/me`, { headers: [['x-jwt-assertion', real], ['x-jwt-assertion', real]] });
      expect(await refused(twice)).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
    });

    it('refuses a forged assertion even beside a real x-user-id, and serves the one the gateways’ key signed', async () => {
      const foreign = await asUser(victim, 'profile', { key: foreignIdentityKey.privateJwk });
      expect(await refused(await call(bases[0]!, 'GET', '/profile/me', undefined, null, { ...foreign, 'x-user-id': victim }))).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
      const ok = await call(bases[0]!, 'GET', '/profile/me', undefined, victim);
      expect(ok.status).toBe(200);
      expect((await jsonOf(ok)).profile.displayName).toBe('Victim');
    });
  });

  it('answers 404 to preferences before a profile exists', async () => {
    const res = await call(bases[0]!, 'PUT', '/profile/preferences', { language: 'en', theme: 'dark', signature: '', notifications: { email: true, sms: true } });
    expect((await jsonOf(res)).error.code).toBe('PROFILE_NOT_FOUND');
  });

  // kit/http/free-text.ts: the display name and location are one line; the bio and signature may hold lines.
  it('refuses control characters in free text with the validation error, and keeps tab and newline where text is multi-line', async () => {
    const base = bases[0]!;
    const refused = async (method: string, path: string, body: unknown, field: string, message = 'must not contain control characters') => {
      const res = await call(base, method, path, body);
      expect(res.status).toBe(400);
      const { error } = await jsonOf(res);
      expect(error).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', details: [{ path: `body.${field}`, message }] });
      expect(JSON.stringify(error)).not.toContain('Ada');
    };
    await refused('POST', '/profile', { displayName: 'Ada\u0000' }, 'displayName');
    await refused('POST', '/profile', { displayName: '\u001b[31mAda' }, 'displayName');
    await refused('POST', '/profile', { displayName: 'Ada\nLovelace' }, 'displayName');
    await refused('POST', '/profile', { displayName: 'Ada\u202e' }, 'displayName', 'must not contain bidirectional controls or line/paragraph separators');
    expect((await call(base, 'GET', '/profile/me')).status).toBe(404);

    expect((await call(base, 'POST', '/profile', { displayName: 'Ada', bio: 'Engines.\n\tAnd poems.' })).status).toBe(201);
    await refused('POST', '/profile/update', { bio: 'Ada\u0000' }, 'bio', 'must not contain control characters other than tab and newline');
    await refused('POST', '/profile/update', { location: 'London\tUK Ada' }, 'location');
    const prefs = { language: 'en', theme: 'dark', notifications: { email: true, sms: true } };
    await refused('PUT', '/profile/preferences', { ...prefs, signature: 'Ada\u001b' }, 'signature', 'must not contain control characters other than tab and newline (CR only in CRLF)');
    expect((await call(base, 'PUT', '/profile/preferences', { ...prefs, signature: '-- \r\nAda\n\tLondon' })).status).toBe(200);
    const me = await jsonOf(await call(base, 'GET', '/profile/me'));
    expect(me.profile.bio).toBe('Engines.\n\tAnd poems.');
    expect(me.preferences.signature).toBe('-- \r\nAda\n\tLondon');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { asUser, createTestIdentityVerifier } from '#test-support/kit-identity.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createProfileApp } from './app.js';
import { openProfileStore } from './store.js';

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-profile-lookup-'));
  const store = openProfileStore(join(dir, 'profile.db'));
  const recorded = recordTelemetry('profile');
  const { server } = createProfileApp({ store, telemetry: recorded.telemetry, serviceAuth: createTestServiceGuard('profile'), identity: createTestIdentityVerifier('profile') });
  const { url } = await listenOnLoopback(server);
  onTestFinished(async () => {
    await closeServer(server);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [userId, displayName] of [['u-ada', 'Ada L.'], ['u-bob', 'Bob B.'], ['u-cy', 'Cy']] as const) {
    store.create(userId, { displayName, bio: `${displayName} bio`, location: 'Somewhere' }, 1);
  }
  return { url, recorded };
}

const lookup = (url: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${url}/profile/internal/profiles/lookup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('POST /profile/internal/profiles/lookup', () => {
  it('answers the profiles of the ids found in one call, and records the batch size on its span', async () => {
    const { url, recorded } = await start();
    const res = await lookup(url, { userIds: ['u-ada', 'u-cy', 'u-nobody', 'u-ada'] }, testServiceHeaders('graphql#1', 'profile', ['profile.read']));
    expect(res.status).toBe(200);
    const { profiles } = await jsonOf(res);
    expect(profiles.map((p: { userId: string }) => p.userId).sort()).toEqual(['u-ada', 'u-cy']);
    expect(profiles[0]).toEqual({ userId: expect.any(String), displayName: expect.any(String), bio: expect.any(String), location: 'Somewhere' });
    await expect.poll(() => recorded.spans().find((span) => span.name === 'POST /profile/internal/profiles/lookup')?.attributes).toMatchObject({ batch: 4, found: 2, caller: 'graphql#1' });
  });

  it('refuses a call without a token (401), without profile.read (403), and a malformed body (400)', async () => {
    const { url } = await start();
    const missing = await lookup(url, { userIds: ['u-ada'] }, {});
    expect([missing.status, (await jsonOf(missing)).error.code]).toEqual([401, 'HTTP_SERVICE_TOKEN_MISSING']);
    const wrong = await lookup(url, { userIds: ['u-ada'] }, testServiceHeaders('control', 'profile', ['profile.events']));
    expect([wrong.status, (await jsonOf(wrong)).error.code]).toEqual([403, 'HTTP_SERVICE_SCOPE_MISSING']);
    const empty = await lookup(url, { userIds: [] }, testServiceHeaders('graphql#1', 'profile', ['profile.read']));
    expect([empty.status, (await jsonOf(empty)).error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });
});

describe('GET /profile/users/:userId', () => {
  it('shows any signed-in user only the public part of another user’s profile', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/profile/users/u-bob`, { headers: await asUser('u-ada', 'profile') });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ profile: { userId: 'u-bob', displayName: 'Bob B.' } });
  });

  it('answers 404 PROFILE_USER_NOT_FOUND for a user without one, and 401 without the gateway’s user', async () => {
    const { url } = await start();
    const none = await fetch(`${url}/profile/users/u-nobody`, { headers: await asUser('u-ada', 'profile') });
    expect([none.status, (await jsonOf(none)).error.code]).toEqual([404, 'PROFILE_USER_NOT_FOUND']);
    const anonymous = await fetch(`${url}/profile/users/u-bob`);
    expect([anonymous.status, (await jsonOf(anonymous)).error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
  });
});

import { defineScenario } from '@topolab/runtime/dsl';
import { countsSince, describeCounts, instanceIdsOf, requestCounts } from './support/instances.js';

interface Profile {
  readonly userId: string;
  readonly displayName: string;
  readonly bio: string;
  readonly location: string;
}

interface Preferences {
  readonly language: string;
  readonly theme: string;
  readonly signature: string;
  readonly notifications: { readonly email: boolean; readonly sms: boolean };
}

interface ProfileAnswer {
  readonly profile: Profile;
  readonly preferences: Preferences;
}

/**
 * The seed's createProfile, update-profile and set-preference requests: the gateway maps
 * `/profile` to the profile service and names the user in a signed identity assertion; profile runs as
 * replicas over one database, so any instance answers with the same data.
 */
export default defineScenario({
  name: 'profile-and-preferences',
  summary: 'Create a profile, change it and set preferences through the gateway; every profile replica returns the same data, and each user sees only their own.',
  async run(ctx) {
    const ada = await ctx.step('Ada signs up and logs in with 2FA', () => ctx.users.signUp({ firstName: 'Ada' }));
    const token = ada.accessToken;

    await ctx.step('before createProfile there is nothing to read', async () => {
      ctx.expect(await ctx.gateway.get('/profile/me', { token })).toHaveStatus(404, 'PROFILE_NOT_FOUND');
    });

    await ctx.step('createProfile: POST /profile, with default preferences', async () => {
      const created = await ctx.gateway.post<ProfileAnswer>('/profile', { displayName: 'Ada L.', location: 'London' }, { token });
      ctx.expect(created).toHaveStatus(201);
      ctx.expect(created.body.profile).toMatchObject({ userId: ada.userId, displayName: 'Ada L.', bio: '', location: 'London' });
      ctx.expect(created.body.preferences).toEqual({ language: 'en', theme: 'system', signature: '', notifications: { email: true, sms: false } });
      ctx.note('the profile service took the user from the gateway’s signed identity assertion (x-jwt-assertion), which it verified');
      const twice = await ctx.gateway.post('/profile', { displayName: 'Ada again' }, { token });
      ctx.expect(twice).toHaveStatus(409, 'PROFILE_EXISTS');
    });

    await ctx.step('update-profile: only the fields named change', async () => {
      const updated = await ctx.gateway.post<{ profile: Profile }>('/profile/update', { bio: 'Wrote the first program.' }, { token });
      ctx.expect(updated).toHaveStatus(200);
      ctx.expect(updated.body.profile).toMatchObject({ displayName: 'Ada L.', bio: 'Wrote the first program.', location: 'London' });
      const nothing = await ctx.gateway.post('/profile/update', {}, { token });
      ctx.expect(nothing).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      const unknownField = await ctx.gateway.post('/profile/update', { userId: 'someone-else' }, { token });
      ctx.expect(unknownField).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
    });

    const preferences: Preferences = { language: 'en-GB', theme: 'dark', signature: '— Ada', notifications: { email: false, sms: true } };
    await ctx.step('set preferences: PUT /profile/preferences; a malformed one is refused whole', async () => {
      const bad = await ctx.gateway.put('/profile/preferences', { ...preferences, theme: 'purple' }, { token });
      ctx.expect(bad).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      const saved = await ctx.gateway.put<{ preferences: Preferences }>('/profile/preferences', preferences, { token });
      ctx.expect(saved).toHaveStatus(200);
      ctx.expect(saved.body.preferences).toEqual(preferences);
    });

    await ctx.step('read it back: every profile replica answers the same, from one WAL database', async () => {
      const replicas = instanceIdsOf(ctx, 'profile');
      const before = requestCounts(ctx, replicas);
      const reads = 3 * replicas.length;
      for (let i = 0; i < reads; i++) {
        const me = await ctx.gateway.get<ProfileAnswer>('/profile/me', { token });
        ctx.expect(me).toHaveStatus(200);
        ctx.expect(me.body.profile).toMatchObject({ displayName: 'Ada L.', bio: 'Wrote the first program.' });
        ctx.expect(me.body.preferences).toEqual(preferences);
      }
      // Spans reach the supervisor over IPC a moment after the answers.
      const served = await ctx.waitFor(
        () => {
          const counts = countsSince(ctx, before);
          return [...counts.values()].reduce((sum, n) => sum + n, 0) >= reads ? counts : undefined;
        },
        { timeout: 2000, message: `${reads} reads counted on the profile replicas` },
      );
      ctx.note(`${ctx.modes.discovery === 'client' ? 'the gateway' : 'the lb'} spread the reads round-robin: ${describeCounts(served)}`);
      for (const [id, count] of served) ctx.expect({ id, served: count > 0 }).toEqual({ id, served: true });
    });

    await ctx.step('another user sees only their own profile; a forged x-user-id changes nothing', async () => {
      const bob = await ctx.users.signUp({ firstName: 'Bob' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Bob' }, { token: bob.accessToken })).toHaveStatus(201);
      const spoofed = await ctx.gateway.get<ProfileAnswer>('/profile/me', { token: bob.accessToken, headers: { 'x-user-id': ada.userId } });
      ctx.expect(spoofed).toHaveStatus(200);
      ctx.expect(spoofed.body.profile).toMatchObject({ userId: bob.userId, displayName: 'Bob' });
      ctx.expect(await ctx.gateway.get('/profile/me')).toHaveStatus(401, 'GATEWAY_UNAUTHENTICATED');
      ctx.note('the gateway dropped the client’s x-user-id and named the owner of the token in its signed assertion');
    });
  },
});

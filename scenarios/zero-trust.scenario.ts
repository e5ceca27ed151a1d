import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineScenario, formatHops, type ScenarioContext } from '@topolab/runtime/dsl';
import { callDirect, handshakeDirect, redisCommands, type DirectAnswer } from './support/direct.js';
import { instanceOf } from './support/instances.js';
import { addressOf, mailOf } from './support/mail.js';
import { claimsOf } from './support/tokens.js';

/** Services that keep a copy of a user's data and follow auth's domain events. */
const consumers = ['profile', 'mail', 'sms', 'chat'] as const;

/** One line of narration for a direct answer: `401 HTTP_IDENTITY_UNVERIFIED  profile#1 @127.0.5.1 (identity refused)  1.2 ms`. */
function describe(answer: DirectAnswer): string {
  return `${answer.status}${answer.code ? ` ${answer.code}` : ''}  ${formatHops(answer.hops)}`;
}

/** Reads a file of the run's data dir, as any process of the same user can (secrets are 0600, not hidden from their owner). */
function readDataFile(ctx: ScenarioContext, ...path: string[]): string {
  return readFileSync(join(ctx.topology.dataDir, ...path), 'utf8').trim();
}

/** Every file under `dir`, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The first instance of `service` (`profile#1`). */
function firstOf(ctx: ScenarioContext, service: string): string {
  const instance = ctx.topology.instances().find((candidate) => candidate.service === service && candidate.state === 'ready');
  if (!instance) throw new Error(`no ${service} instance is ready`);
  return instance.id;
}

/** A JWT with `claims` and a signature of garbage: what anyone can write. */
function garbageSigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'at+jwt' })}.${part(claims)}.${Buffer.from(randomUUID().repeat(2)).toString('base64url')}`;
}

/**
 * Issue 23: anything on the machine can reach every service's loopback address, read the data
 * dir of the user it runs as, and talk to the bus and the global cache. None of that may let it act
 * as a user. Each service trusts only the gateway's signed identity assertion (never a header
 * naming a user); the gateway checks a token's signature before any cache, which answers
 * revocation only; the registry, the bus, the cache and Redis take only credentials their role
 * grants; and the consumers apply a destructive event only when auth's log holds it.
 */
export default defineScenario({
  name: 'zero-trust',
  summary: 'A process on the machine names a victim in headers sent straight to every service, forges a token, tries to plant cache entries and publishes a forged user.deleted: every attempt is refused where it lands, and the victim’s data is intact.',
  // It plants and forges: its topology is its own and is not handed on.
  topology: { fresh: true },
  timeoutMs: 90_000,
  async run(ctx) {
    const [eve, alice] = await ctx.step('Eve (the attacker, a user like any other) and Alice (the victim) sign up; Alice has a profile and a mail', async () => {
      const users = [await ctx.users.signUp({ firstName: 'Eve' }), await ctx.users.signUp({ firstName: 'Alice' })] as const;
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Alice', bio: 'the victim' }, { token: users[1].accessToken })).toHaveStatus(201);
      ctx.expect(await mailOf(ctx, users[0]).send({ to: addressOf(users[1]), subject: 'For Alice only', body: 'a secret' })).toHaveStatus(201);
      return users;
    });

    await ctx.step('the secrets in the data dir are the user’s alone, and no instance’s environment or command line holds one', async () => {
      const dir = join(ctx.topology.dataDir, 'secrets');
      const files = listFiles(dir);
      const wide = [dir, ...files].filter((path) => (statSync(path).mode & 0o077) !== 0);
      ctx.expect(wide).toEqual([]);
      // Every secret value: keys (their private part), the client key and secrets, tokens, Redis passwords.
      const values = files.flatMap((file) => {
        const text = readFileSync(file, 'utf8').trim();
        if (file.endsWith('.jwk')) return [String((JSON.parse(text) as { d: string }).d)];
        return file.endsWith('.acl') ? [] : [text];
      });
      ctx.expect(values.length).toBeGreaterThan(0);
      if (process.platform !== 'linux') return ctx.note(`${files.length} secret files, all 0600 in 0700 folders (/proc is Linux's: the environment check is skipped here)`);
      const exposed: string[] = [];
      for (const instance of ctx.topology.instances()) {
        if (instance.pid === undefined) continue;
        const seen = ['environ', 'cmdline'].map((what) => readFileSync(`/proc/${instance.pid}/${what}`, 'utf8')).join('\0');
        if (values.some((value) => seen.includes(value))) exposed.push(instance.id);
      }
      ctx.expect(exposed).toEqual([]);
      ctx.note(`${files.length} secret files, all 0600 in 0700 folders; /proc/<pid>/environ and cmdline of ${ctx.topology.instances().length} instances name only their paths (TOPOLAB_CLIENT_SECRET_FILE, …) and the public keys`);
    });

    await ctx.step('through the gateway every service checks who Alice is: the gateway’s signed assertion, verified on each hop', async () => {
      const read = await ctx.gateway.get('/profile/me', { token: alice.accessToken });
      ctx.expect(read).toHaveStatus(200);
      // Spans travel over IPC, each instance's on its own: profile's may land after the gateway's (wait for it, as for any count).
      const profileHop = await ctx.waitFor(async () => (await ctx.hops(read)).find((hop) => hop.service === 'profile'), { timeout: 3000, message: 'the profile hop of the read' });
      ctx.expect(profileHop.attributes.identity).toBe('verified');
      ctx.note('the gateway checked Alice’s token in its auth mode, then signed x-jwt-assertion (EdDSA, aud=profile, ≤ 60 s) for profile, which verified it');
    });

    await ctx.step('a header naming Alice, sent straight to each service, is refused there (401) and shows nothing of hers', async () => {
      const asAlice = { 'x-user-id': alice.userId };
      const attempts: [string, () => Promise<DirectAnswer>][] = [
        ['profile GET /profile/me', () => callDirect(ctx, firstOf(ctx, 'profile'), 'GET', '/profile/me', { headers: asAlice })],
        ['mail GET /mail/mailboxes/inbox', () => callDirect(ctx, firstOf(ctx, 'mail'), 'GET', '/mail/mailboxes/inbox', { headers: asAlice })],
        ['auth GET /auth/me', () => callDirect(ctx, firstOf(ctx, 'auth'), 'GET', '/auth/me', { headers: asAlice })],
        ['graphql POST /graphql', () => callDirect(ctx, firstOf(ctx, 'graphql'), 'POST', '/graphql', { headers: asAlice, body: { query: '{ me { username inbox { subject } } }' } })],
        ['chat WebSocket /chat/ws', () => handshakeDirect(ctx, firstOf(ctx, 'chat'), '/chat/ws', { ...asAlice, 'x-token-id': 'made-up', 'x-token-exp': '4000000000' })],
      ];
      for (const [what, attempt] of attempts) {
        const answer = await attempt();
        ctx.expect(answer.status).toBe(401);
        ctx.expect(answer.code).toBe('HTTP_IDENTITY_UNVERIFIED');
        ctx.expect(JSON.stringify(answer.body ?? {})).not.toContain('For Alice only');
        ctx.note(`${what}: ${describe(answer)}`);
      }
      ctx.note('each answered with WWW-Authenticate: IdentityAssertion realm="topolab-services" (RFC 9110 §11.6.1)');
    });

    await ctx.step('neither Alice’s own access token sent straight to a service, nor an assertion made for another service, is an identity there', async () => {
      const profile = firstOf(ctx, 'profile');
      const bearer = await callDirect(ctx, profile, 'GET', '/profile/me', { headers: { authorization: `Bearer ${eve.accessToken}` } });
      ctx.expect([bearer.status, bearer.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
      ctx.note(`Eve’s access token straight to ${profile}: ${describe(bearer)} (revocation is checked at the edge; a service takes only the edge’s assertion)`);
      const forMail = await ctx.topology.assertIdentity(alice.userId, 'mail');
      const foreign = await callDirect(ctx, profile, 'GET', '/profile/me', { headers: { 'x-jwt-assertion': forMail } });
      ctx.expect([foreign.status, foreign.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
      ctx.note(`an assertion signed for mail, sent to ${profile}: ${describe(foreign)} (aud names one service)`);
    });

    await ctx.step('a token signed with garbage that copies Alice’s jti and sub is refused by its signature, before any cache is asked', async () => {
      const forged = garbageSigned(claimsOf(alice.accessToken));
      const answer = await ctx.gateway.get('/profile/me', { token: forged });
      ctx.expect(answer).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
      const hops = await ctx.hops(answer);
      ctx.expect(hops.filter((hop) => hop.service === 'cache' || hop.service === 'redis')).toHaveLength(0);
      ctx.note(`${ctx.modes.auth} mode: the forged token reached no cache (${hops.map((hop) => hop.instanceId).join(' → ')}); the cache answers revocation, never authenticity`);
    });

    await ctx.step('nobody but auth writes the global cache: planting an entry, or undoing a logout, is refused', async () => {
      const jti = String(claimsOf(alice.accessToken).jti);
      const planted = JSON.stringify({ active: true, sub: alice.userId, username: alice.username, exp: 4_000_000_000, tokenHash: 'planted' });
      if (ctx.backends.cache === 'embedded') {
        const cache = firstOf(ctx, 'cache');
        const bare = await callDirect(ctx, cache, 'PUT', `/cache/keys/token:${jti}`, { body: { value: JSON.parse(planted), ttlMs: 60_000 } });
        ctx.expect([bare.status, bare.code]).toEqual([401, 'HTTP_SERVICE_TOKEN_MISSING']);
        ctx.note(`no token: ${describe(bare)}`);
        // A compromised gateway's own token: it may read the cache, not write it.
        const gatewayToken = readDataFile(ctx, 'secrets', 'instances', 'gateway-1', 'cache.jwt');
        const asGateway = await callDirect(ctx, cache, 'PUT', `/cache/keys/token:${jti}`, { headers: { authorization: `Bearer ${gatewayToken}` }, body: { value: JSON.parse(planted), ttlMs: 60_000 } });
        ctx.expect([asGateway.status, asGateway.code]).toEqual([403, 'HTTP_SERVICE_SCOPE_MISSING']);
        ctx.note(`with gateway#1’s own token (cache.read): ${describe(asGateway)}`);
      } else {
        const redis = instanceOf(ctx, 'redis#1');
        const [bare] = await redisCommands(redis, [['SET', `topolab:cache:token:${jti}`, planted]]);
        ctx.expect(bare).toMatch(/^-NOAUTH/);
        const password = readDataFile(ctx, 'secrets', 'redis', 'gateway.password');
        const [asGateway] = await redisCommands(redis, [['SET', `topolab:cache:token:${jti}`, planted]], { user: 'gateway', password });
        ctx.expect(asGateway).toMatch(/^-NOPERM/);
        ctx.note(`redis#1 without credentials: ${bare}; as the gateway role: ${asGateway?.split(' ').slice(0, 1).join('')} (its ACL reads topolab:cache:*, writes nothing)`);
      }
      const logout = await ctx.gateway.post('/auth/logout', {}, { token: eve.accessToken });
      ctx.expect(logout).toHaveStatus(204);
      // local and sidecar learn of a revocation from the bus, a few milliseconds after the logout answered.
      const refused = await ctx.waitFor(
        async () => {
          const answer = await ctx.gateway.get('/profile/me', { token: eve.accessToken });
          return answer.status === 401 ? answer : undefined;
        },
        { timeout: 3000, interval: 20, message: 'the gateway to refuse Eve’s revoked token' },
      );
      ctx.expect(refused).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
      ctx.note('Eve logged out; her revoked token is refused, and stays so: only auth could write its state back');
    });

    await ctx.step('a forged user.deleted for Alice: refused without credentials, refused from chat’s, and when it reaches the bus anyway, every consumer ignores it', async () => {
      const { latestSeq } = await ctx.topology.domainEvents({ limit: 1 });
      const forged = { seq: latestSeq + 1, eventId: randomUUID(), type: 'user.deleted', occurredAt: Date.now(), data: { userId: alice.userId, username: alice.username } };
      const before = ctx.topology.events('events.forged_rejected').length;
      if (ctx.backends.bus === 'embedded') {
        const bus = firstOf(ctx, 'bus');
        const path = '/bus/topics/user.deleted/messages';
        const bare = await callDirect(ctx, bus, 'POST', path, { body: { data: forged } });
        ctx.expect([bare.status, bare.code]).toEqual([401, 'HTTP_SERVICE_TOKEN_MISSING']);
        const chatToken = readDataFile(ctx, 'secrets', 'instances', 'chat-1', 'bus.jwt');
        const asChat = await callDirect(ctx, bus, 'POST', path, { headers: { authorization: `Bearer ${chatToken}` }, body: { data: forged } });
        ctx.expect([asChat.status, asChat.code]).toEqual([403, 'BUS_PUBLISH_FORBIDDEN']);
        ctx.note(`no token: ${describe(bare)}; chat#1’s token (bus.publish, chat.message only): ${describe(asChat)}`);
        // Auth's own bus token, as if it had leaked: the bus takes the message.
        const authToken = readDataFile(ctx, 'secrets', 'instances', 'auth-1', 'bus.jwt');
        const published = await callDirect(ctx, bus, 'POST', path, { headers: { authorization: `Bearer ${authToken}` }, body: { data: forged } });
        ctx.expect(published.status).toBe(201);
      } else {
        const redis = instanceOf(ctx, 'redis#1');
        const stream = 'topolab:bus:user.deleted';
        const entry = ['XADD', stream, '0-*', 'time', String(Date.now()), 'data', JSON.stringify(forged)];
        const [bare] = await redisCommands(redis, [entry]);
        ctx.expect(bare).toMatch(/^-NOAUTH/);
        const [asChat] = await redisCommands(redis, [entry], { user: 'chat', password: readDataFile(ctx, 'secrets', 'redis', 'chat.password') });
        ctx.expect(asChat).toMatch(/^-NOPERM/);
        ctx.note(`redis#1 without credentials: ${bare}; as the chat role: ${asChat?.split(' ')[0]}`);
        const [added] = await redisCommands(redis, [entry], { user: 'auth', password: readDataFile(ctx, 'secrets', 'redis', 'auth.password') });
        ctx.expect(added).toMatch(/^\d+-\d+$/);
      }
      ctx.note(`with auth’s own bus credentials (as if leaked) the forged user.deleted #${forged.seq} reached the bus`);
      const rejected = await ctx.waitFor(
        () => {
          const seen = ctx.topology.events('events.forged_rejected').slice(before).filter((event) => event.data.type === 'user.deleted');
          const services = new Set(seen.map((event) => event.service));
          return consumers.every((service) => services.has(service)) ? seen : undefined;
        },
        { timeout: 10_000, message: 'every consumer to report events.forged_rejected' },
      );
      ctx.note(`events.forged_rejected from ${[...new Set(rejected.map((event) => event.instanceId))].sort().join(', ')} (${String(rejected[0]?.data.reason)}): auth’s log has no such event`);
      const profile = await ctx.gateway.get<{ profile: { userId: string } }>('/profile/me', { token: alice.accessToken });
      ctx.expect(profile).toHaveStatus(200);
      ctx.expect(profile.body.profile.userId).toBe(alice.userId);
      const inbox = await mailOf(ctx, alice).list('inbox');
      ctx.expect(inbox.map((message) => message.subject)).toContain('For Alice only');
      ctx.note('Alice’s profile and mail are intact');
    });
  },
});

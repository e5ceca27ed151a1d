import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { GatewayRequest } from '../src/index.js';
import { errorCode, hopsOfResponse, signUp, startRealTopology, type RealTopology, type SignedUpUser } from './real-topology.js';

interface InboxAnswer {
  readonly data?: { me: { inbox: { subject: string; from: { username: string; profile: { displayName: string } | null } | null }[] } } | null;
  readonly errors?: { path?: (string | number)[]; extensions: { code: string } }[];
}

/** `n` aliases of the viewer's newest message id (issue 24: 140 of them were 140 calls to mail). */
const aliasedInboxes = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: me { inbox(limit: 1) { id } }`).join(' ')} }`;

const inboxQuery = '{ me { inbox { subject from { username profile { displayName } } } } }';

// The graphql service through the real gateway, with service tokens to auth, profile and mail.
describe('graphql through the real topology', () => {
  let real: RealTopology;
  let viewer: SignedUpUser;
  let senders: SignedUpUser[];
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'graphql' });
    viewer = await signUp(real.topology, real.gateway);
    senders = [];
    for (let i = 0; i < 3; i++) {
      const sender = await signUp(real.topology, real.gateway);
      expect((await as(sender, { method: 'POST', path: '/profile', body: { displayName: `Sender ${i}` } })).status).toBe(201);
      const sent = await as(sender, { method: 'POST', path: '/mail/send', body: { to: `${viewer.username}@topolab.test`, subject: `note ${i}`, body: 'x' } });
      expect(sent.status).toBe(201);
      senders.push(sender);
    }
  });
  afterAll(() => real?.stop());

  const as = <T = unknown>(user: SignedUpUser, request: Omit<GatewayRequest, 'token'>) => real.gateway.request<T>({ ...request, token: user.accessToken });

  it('answers the composed query with one mail, one auth and one profile call for three senders', async () => {
    const answer = await as<InboxAnswer>(viewer, { method: 'POST', path: '/graphql', body: { query: inboxQuery } });
    expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
    const bySubject = Object.fromEntries(answer.body.data!.me.inbox.map((m) => [m.subject, [m.from?.username, m.from?.profile?.displayName]]));
    expect(bySubject).toEqual(Object.fromEntries(senders.map((sender, i) => [`note ${i}`, [sender.username, `Sender ${i}`]])));
    const count = (name: string) => hopsOfResponse(real.topology, answer).filter((hop) => hop.name === name).length;
    await expect.poll(() => [count('GET /mail/internal/inbox'), count('POST /auth/internal/users/lookup'), count('POST /profile/internal/profiles/lookup')], { timeout: 3000 }).toEqual([1, 1, 1]);
    const lookup = hopsOfResponse(real.topology, answer).find((hop) => hop.name === 'POST /profile/internal/profiles/lookup');
    expect(lookup?.attributes).toMatchObject({ batch: 3, caller: 'graphql#1' });
  });

  it('answers GET /graphql?query=, and refuses a costly query before calling anyone', async () => {
    const got = await as<InboxAnswer>(viewer, { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ me { inbox(limit: 1) { subject } } }')}` });
    expect([got.status, got.body.data?.me.inbox]).toEqual([200, [{ subject: 'note 2' }]]);
    const aliases = Array.from({ length: 10 }, (_, i) => `m${i}: me { inbox(limit: 50) { from { profile { displayName } } } }`).join(' ');
    const costly = await as<InboxAnswer>(viewer, { method: 'POST', path: '/graphql', body: { query: `{ ${aliases} }` }, headers: { accept: 'application/graphql-response+json' } });
    expect([costly.status, costly.body.errors?.[0]?.extensions.code]).toEqual([400, 'GRAPHQL_COST_EXCEEDED']);
    await expect.poll(() => hopsOfResponse(real.topology, costly).map((hop) => hop.service), { timeout: 3000 }).toContain('graphql');
    expect(hopsOfResponse(real.topology, costly).map((hop) => hop.service)).not.toContain('mail');
  });

  it('needs a user token at the gateway, and never exposes the internal routes it reads', async () => {
    const anonymous = await real.gateway.request({ method: 'POST', path: '/graphql', body: { query: inboxQuery } });
    expect([anonymous.status, errorCode(anonymous.body)]).toEqual([401, 'GATEWAY_UNAUTHENTICATED']);
    for (const request of [
      { method: 'POST', path: '/profile/internal/profiles/lookup', body: { userIds: [senders[0]!.userId] } },
      { method: 'GET', path: `/mail/internal/inbox?userId=${viewer.userId}` },
    ] as const) {
      const answer = await as(viewer, request);
      expect([answer.status, errorCode(answer.body)]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
    }
  });

  it('refuses 16 aliases before calling anyone, and answers 15 aliased inboxes with ONE call to mail', async () => {
    const flood = await as<InboxAnswer>(viewer, { method: 'POST', path: '/graphql', body: { query: aliasedInboxes(140) }, headers: { accept: 'application/graphql-response+json' } });
    expect([flood.status, flood.body.errors?.[0]?.extensions.code]).toEqual([400, 'GRAPHQL_TOO_MANY_ALIASES']);
    const fifteen = await as<InboxAnswer>(viewer, { method: 'POST', path: '/graphql', body: { query: aliasedInboxes(15) } });
    expect([fifteen.status, fifteen.body.errors, Object.keys(fifteen.body.data ?? {})]).toEqual([200, undefined, Array.from({ length: 15 }, (_, i) => `m${i}`)]);
    const mailHops = () => hopsOfResponse(real.topology, fifteen).filter((hop) => hop.name === 'GET /mail/internal/inbox').length;
    await expect.poll(mailHops, { timeout: 3000 }).toBe(1);
    await expect.poll(() => hopsOfResponse(real.topology, flood).map((hop) => hop.service), { timeout: 3000 }).toContain('graphql');
    expect(hopsOfResponse(real.topology, flood).map((hop) => hop.service)).not.toContain('mail');
  });

  it('lets any signed-in user read another’s display name, and nothing more, over REST', async () => {
    const answer = await as<{ profile: unknown }>(viewer, { method: 'GET', path: `/profile/users/${senders[1]!.userId}` });
    expect([answer.status, answer.body.profile]).toEqual([200, { userId: senders[1]!.userId, displayName: 'Sender 1' }]);
  });

  // Last: it pauses the only mail instance (resumed when it ends).
  it('keeps the rest of the answer with mail#1 paused: the profile, and inbox null with its path and code (spec §6.4.4)', async () => {
    expect(real.topology.instances().filter((instance) => instance.service === 'mail').map((instance) => instance.id)).toEqual(['mail#1']);
    expect((await as(viewer, { method: 'POST', path: '/profile', body: { displayName: 'The Viewer' } })).status).toBe(201);
    await real.topology.fault('pause', 'mail#1');
    onTestFinished(async () => {
      await real.topology.fault('resume', 'mail#1');
    });
    const answer = await as<{ data?: { me: { profile: { displayName: string } | null; inbox: unknown } } | null; errors?: InboxAnswer['errors'] }>(viewer, {
      method: 'POST',
      path: '/graphql',
      body: { query: '{ me { profile { displayName } inbox { subject } } }' },
    });
    expect([answer.status, answer.body.data]).toEqual([200, { me: { profile: { displayName: 'The Viewer' }, inbox: null } }]);
    expect(answer.body.errors?.map((error) => [error.path, error.extensions.code])).toEqual([[['me', 'inbox'], 'GRAPHQL_UPSTREAM_UNAVAILABLE']]);
  });
});

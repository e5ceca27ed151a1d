import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRequest } from '../src/index.js';
import { errorCode, hopsOfResponse, signUp, startRealTopology, type RealTopology, type SignedUpUser } from './real-topology.js';

interface InboxAnswer {
  readonly data?: { me: { inbox: { subject: string; from: { username: string; profile: { displayName: string } | null } | null }[] } } | null;
  readonly errors?: { extensions: { code: string } }[];
}

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

  it('lets any signed-in user read another’s display name, and nothing more, over REST', async () => {
    const answer = await as<{ profile: unknown }>(viewer, { method: 'GET', path: `/profile/users/${senders[1]!.userId}` });
    expect([answer.status, answer.body.profile]).toEqual([200, { userId: senders[1]!.userId, displayName: 'Sender 1' }]);
  });
});

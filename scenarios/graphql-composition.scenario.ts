import { performance } from 'node:perf_hooks';
import { defineScenario, type ScenarioContext, type ScenarioUser } from '@topolab/runtime/dsl';
import { instanceIdsOf } from './support/instances.js';
import { addressOf, mailOf } from './support/mail.js';

/** The composed question of seed 004: my inbox, each message with its sender's username and display name. */
const inboxQuery = 'query Inbox { me { inbox(limit: 10) { subject from { username profile { displayName } } } } }';

interface InboxData {
  readonly me: { readonly inbox: readonly { readonly subject: string; readonly from: { readonly username: string; readonly profile: { readonly displayName: string } | null } | null }[] };
}

interface GraphqlAnswer<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

const senders = [
  { firstName: 'Ada', displayName: 'Ada Lovelace' },
  { firstName: 'Grace', displayName: 'Grace Hopper' },
  { firstName: 'Alan', displayName: 'Alan Turing' },
] as const;

const graphql = <T>(ctx: ScenarioContext, user: ScenarioUser, query: string, headers: Record<string, string> = {}) =>
  ctx.gateway.post<GraphqlAnswer<T>>('/graphql', { query }, { token: user.accessToken, headers });

/** Milliseconds `fn` took, and what it answered. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, Math.round((performance.now() - started) * 10) / 10];
}

/**
 * Composition behind the gateway: a client without GraphQL pays one round trip for the inbox
 * and one per sender; the graphql service answers the same question in one, and inside it
 * DataLoader turns three senders into ONE profile lookup and ONE user lookup.
 */
export default defineScenario({
  name: 'graphql-composition',
  // Resolvers find auth, profile and mail through discovery of their own; the gateway's discovery only routes /graphql.
  modes: { discovery: ['client'] },
  summary: 'Three senders mail Dana; REST needs the inbox plus one profile call per sender, one GraphQL query answers the same with one profile lookup for all three (DataLoader), and a too-costly query is refused before it runs.',
  async run(ctx) {
    const dana = await ctx.step('Dana signs up and logs in with 2FA', () => ctx.users.signUp({ firstName: 'Dana' }));
    const people = await ctx.step('three senders sign up and create their profiles', async () => {
      const made = [];
      for (const sender of senders) {
        const user = await ctx.users.signUp({ firstName: sender.firstName });
        ctx.expect(await ctx.gateway.post('/profile', { displayName: sender.displayName }, { token: user.accessToken })).toHaveStatus(201);
        made.push({ user, displayName: sender.displayName });
      }
      return made;
    });

    await ctx.step('each sender mails Dana', async () => {
      for (const { user } of people) {
        const sent = await mailOf(ctx, user).send({ to: addressOf(dana), subject: `Hello from ${user.firstName}`, body: 'A note for the composition demo.' });
        ctx.expect(sent).toHaveStatus(201);
        ctx.expect(sent.body.delivered).toBe(1);
      }
    });

    // Both ways warm up untimed first, once per profile replica (round-robin): graphql fetches its
    // service tokens, and mail and each profile instance auth's keys, on their first internal call.
    const warmUps = Math.max(1, instanceIdsOf(ctx, 'profile').length);
    const expected = new Map(people.map(({ user, displayName }) => [`Hello from ${user.firstName}`, displayName]));
    const rest = await ctx.step('the REST way: the inbox, then GET /profile/users/:id for each sender (in parallel)', async () => {
      const readAll = async () => {
        const inbox = await mailOf(ctx, dana).mailbox('inbox');
        ctx.expect(inbox).toHaveStatus(200);
        const senderIds = [...new Set(inbox.body.messages.flatMap((message) => (message.from.userId ? [message.from.userId] : [])))];
        const profiles = await Promise.all(senderIds.map((id) => ctx.gateway.get<{ profile: { userId: string; displayName: string } }>(`/profile/users/${encodeURIComponent(id)}`, { token: dana.accessToken })));
        for (const profile of profiles) ctx.expect(profile).toHaveStatus(200);
        const names = new Map(profiles.map((profile) => [profile.body.profile.userId, profile.body.profile.displayName]));
        return { roundTrips: 1 + profiles.length, answer: new Map(inbox.body.messages.map((message) => [message.subject, names.get(message.from.userId ?? '')])) };
      };
      for (let i = 0; i < warmUps; i++) await readAll();
      const [{ roundTrips, answer }, ms] = await timed(readAll);
      ctx.expect(roundTrips).toBe(1 + senders.length);
      ctx.expect(Object.fromEntries(answer)).toEqual(Object.fromEntries(expected));
      ctx.measure('REST round trips', roundTrips, 'requests');
      ctx.measure('REST inbox with senders', ms, 'ms');
      return { roundTrips, ms };
    });

    await ctx.step('the GraphQL way: one query; the trace holds one profile lookup and one user lookup for three senders', async () => {
      for (let i = 0; i < warmUps; i++) ctx.expect(await graphql<InboxData>(ctx, dana, inboxQuery)).toHaveStatus(200);
      const [answer, ms] = await timed(() => graphql<InboxData>(ctx, dana, inboxQuery));
      ctx.expect(answer).toHaveStatus(200);
      ctx.expect(answer.body.errors).toBeUndefined();
      const composed = new Map(answer.body.data!.me.inbox.map((message) => [message.subject, message.from?.profile?.displayName]));
      ctx.expect(Object.fromEntries(composed)).toEqual(Object.fromEntries(expected));

      const hops = await ctx.hops(answer);
      const named = (service: string, name: string) => hops.filter((hop) => hop.service === service && hop.name === name);
      const profileLookups = named('profile', 'POST /profile/internal/profiles/lookup');
      const userLookups = named('auth', 'POST /auth/internal/users/lookup');
      ctx.expect(named('mail', 'GET /mail/internal/inbox')).toHaveLength(1);
      ctx.expect(profileLookups).toHaveLength(1);
      ctx.expect(userLookups).toHaveLength(1);
      ctx.expect(profileLookups[0]!.attributes.batch).toBe(senders.length);
      ctx.expect(userLookups[0]!.attributes.found).toBe(senders.length);
      ctx.measure('GraphQL round trips', 1, 'requests');
      ctx.measure('GraphQL profile calls', profileLookups.length, 'calls');
      ctx.measure('GraphQL inbox with senders', ms, 'ms');
      ctx.note(`REST: ${rest.roundTrips} round trips, ${rest.ms} ms · GraphQL: 1 round trip, ${profileLookups.length} profile call for ${senders.length} senders, ${ms} ms`);
    });

    await ctx.step('a query that would cost too much is refused before any service is called', async () => {
      const aliases = Array.from({ length: 10 }, (_, i) => `m${i}: me { inbox(limit: 50) { subject from { username profile { displayName } } } }`).join(' ');
      const refused = await graphql(ctx, dana, `{ ${aliases} }`, { accept: 'application/graphql-response+json' });
      ctx.expect(refused.status).toBe(400);
      ctx.expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_COST_EXCEEDED');
      const hops = await ctx.hops(refused);
      ctx.expect(hops.filter((hop) => hop.service === 'mail' || hop.service === 'profile')).toHaveLength(0);
      ctx.note(refused.body.errors?.[0]?.message ?? '');
    });
  },
});

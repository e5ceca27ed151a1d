import { isNonNullType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { ServiceCall } from '../kit/discovery/service-caller.js';
import { createRoot, upstreamFields } from './resolvers.js';
import { defaultRunLimits, runGraphql } from './run-query.js';
import { createGraphqlSchema } from './schema.js';
import { createFakeCaller, runOverFakes, type FakeCaller, type RunOverFakesOptions } from '#test-support/graphql.js';

const schema = createGraphqlSchema();

async function run(query: string, options: RunOverFakesOptions = {}) {
  const { outcome, ...rest } = await runOverFakes(query, options);
  if (outcome.kind !== 'executed') throw new Error(`refused: ${outcome.error.code}`);
  return { result: outcome.result, ...rest };
}

const idsOf = (caller: FakeCaller, path: string) => caller.callsTo(path).map((call) => [...(call.body as { userIds: string[] }).userIds].sort());

describe('resolvers', () => {
  it('answers a page of messages from three senders with ONE auth lookup and ONE profile lookup', async () => {
    const { result, caller } = await run('{ me { inbox { subject from { username profile { displayName } } } } }');
    expect(result.errors).toBeUndefined();
    const inbox = (result.data as { me: { inbox: { subject: string; from: { username: string; profile: { displayName: string } } | null }[] } }).me.inbox;
    expect(inbox.map((m) => m.from?.username ?? null)).toEqual(['ada', 'bob', 'cy', 'ada', null]);
    expect(inbox[1]?.from?.profile).toEqual({ displayName: 'bob (display)' });
    expect(caller.callsTo('/mail/internal/inbox')).toHaveLength(1);
    expect(idsOf(caller, '/auth/internal/users/lookup')).toEqual([['u-ada', 'u-bob', 'u-cy']]);
    expect(idsOf(caller, '/profile/internal/profiles/lookup')).toEqual([['u-ada', 'u-bob', 'u-cy']]);
  });

  it('asks auth and profile at once: the senders’ profile load leaves with their user load', async () => {
    const caller = createFakeCaller();
    const answer = caller.call.bind(caller);
    let release = () => {};
    const authHeld = new Promise<void>((resolve) => (release = resolve));
    caller.call = async <T>(call: ServiceCall) => {
      if (call.service === 'auth') await authHeld;
      return answer<T>(call);
    };
    const running = run('{ me { inbox { from { username profile { displayName } } } } }', { caller });
    await expect.poll(() => caller.callsTo('/profile/internal/profiles/lookup').length).toBe(1);
    release();
    const { result } = await running;
    expect(result.errors).toBeUndefined();
    expect(idsOf(caller, '/profile/internal/profiles/lookup')).toEqual([['u-ada', 'u-bob', 'u-cy']]);
  });

  it('records each batch as a span of the request with its size, the call a child of it', async () => {
    const { caller, recorded, trace, loaders } = await run('{ me { inbox { from { profile { displayName } } } } }');
    recorded.telemetry.flush();
    const batch = recorded.spans().find((span) => span.name === 'graphql.batch profiles');
    expect(batch).toMatchObject({ kind: 'internal', parentSpanId: trace.spanId, attributes: { batch: 3 } });
    expect(caller.callsTo('/profile/internal/profiles/lookup')[0]?.trace?.spanId).toBe(batch?.spanId);
    expect(loaders.stats()).toEqual({ users: { batches: 1, keys: 3 }, profiles: { batches: 1, keys: 3 } });
  });

  it('gives the viewer their whole profile and account, and passes the inbox limit on', async () => {
    const { result, caller } = await run('query ($n: Int) { me { userId username firstName profile { displayName bio location } inbox(limit: $n) { id } } }', { variables: { n: 2 } });
    expect(result.data).toEqual({
      me: { userId: 'u-viewer', username: 'viewer', firstName: 'Viewer', profile: { displayName: 'viewer (display)', bio: "viewer's secret bio", location: 'Lisbon' }, inbox: [{ id: '40' }, { id: '39' }] },
    });
    expect(caller.callsTo('/mail/internal/inbox')[0]?.path).toContain('limit=2');
  });

  it('has no way to another user’s private profile fields or inbox (validation, nothing called)', async () => {
    for (const query of ['{ me { inbox { from { profile { bio } } } } }', '{ me { inbox { from { inbox { id } } } } }']) {
      const caller = createFakeCaller();
      const outcome = await runGraphql({ schema, params: { query }, method: 'POST', limits: defaultRunLimits, introspection: false, rootValue: createRoot('u-viewer'), contextValue: {} });
      expect(outcome.kind === 'refused' && outcome.error.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(caller.calls).toHaveLength(0);
    }
  });

  it('keeps the rest of the answer when profile is down: the profiles are null with GRAPHQL_UPSTREAM_UNAVAILABLE', async () => {
    const caller = createFakeCaller();
    caller.failing.add('profile');
    const { result } = await run('{ me { inbox { subject from { username profile { displayName } } } } }', { caller });
    const inbox = (result.data as { me: { inbox: { from: { username: string; profile: unknown } | null }[] } }).me.inbox;
    expect(inbox.map((m) => m.from && [m.from.username, m.from.profile])).toEqual([['ada', null], ['bob', null], ['cy', null], ['ada', null], null]);
    expect(new Set(result.errors?.map((error) => error.originalError && (error.originalError as { code?: string }).code))).toEqual(new Set(['GRAPHQL_UPSTREAM_UNAVAILABLE']));
    expect(result.errors?.[0]?.path).toEqual(['me', 'inbox', 0, 'from', 'profile']);
    // The failed lookup (started with the senders' user lookup) is not tried again by User.profile.
    expect(caller.callsTo('/profile/internal/profiles/lookup')).toHaveLength(1);
  });

  it('refuses an inbox limit outside 1 to 50 without calling mail', async () => {
    const { result, caller } = await run('{ me { inbox(limit: 0) { id } } }');
    expect(result.data).toEqual({ me: { inbox: null } });
    expect((result.errors?.[0]?.originalError as { code?: string }).code).toBe('GRAPHQL_ARGUMENT_INVALID');
    expect(caller.callsTo('/mail/internal/inbox')).toHaveLength(0);
  });
});

describe('partial answers (GraphQL spec §6.4.4 "Handling Field Errors")', () => {
  it('nulls only the fields of the service that is down, with its path and code', async () => {
    const query = '{ me { userId username profile { displayName } inbox(limit: 2) { subject } } }';
    const codeAt = (errors: readonly { path?: readonly (string | number)[]; originalError?: unknown }[] | undefined) => errors?.map((error) => [error.path, (error.originalError as { code?: string }).code]);
    const mailDown = createFakeCaller();
    mailDown.failing.add('mail');
    const withoutMail = await run(query, { caller: mailDown });
    expect(withoutMail.result.data).toEqual({ me: { userId: 'u-viewer', username: 'viewer', profile: { displayName: 'viewer (display)' }, inbox: null } });
    expect(codeAt(withoutMail.result.errors)).toEqual([[['me', 'inbox'], 'GRAPHQL_UPSTREAM_UNAVAILABLE']]);
    const authDown = createFakeCaller();
    authDown.failing.add('auth');
    const withoutAuth = await run(query, { caller: authDown });
    expect(withoutAuth.result.data).toEqual({ me: { userId: 'u-viewer', username: null, profile: { displayName: 'viewer (display)' }, inbox: [{ subject: 'from ada #0' }, { subject: 'from bob #1' }] } });
    expect(codeAt(withoutAuth.result.errors)).toEqual([[['me', 'username'], 'GRAPHQL_UPSTREAM_UNAVAILABLE']]);
  });

  it('has every field that reads a service nullable in the schema, so no outage nulls more than its own field', () => {
    for (const coordinate of Object.keys(upstreamFields)) {
      const [type, field] = coordinate.split('.') as [string, string];
      const found = (schema.getType(type) as GraphQLObjectType | undefined)?.getFields()[field];
      expect([coordinate, found && isNonNullType(found.type)]).toEqual([coordinate, false]);
    }
  });
});

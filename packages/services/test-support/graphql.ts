import type { ServiceCall, ServiceCaller } from '../src/kit/discovery/service-caller.js';
import { recordTelemetry, type RecordedTelemetry } from './kit.js';
import { startServerTrace } from '../src/kit/trace.js';
import { budgetUpstream } from '../src/graphql/call-budget.js';
import { createRequestLoaders } from '../src/graphql/loaders.js';
import { createRoot, type GraphqlContext } from '../src/graphql/resolvers.js';
import { defaultRunLimits, runGraphql, type RunLimits } from '../src/graphql/run-query.js';
import { createGraphqlSchema } from '../src/graphql/schema.js';
import { createUpstream, type UpstreamMessage, type UpstreamProfile, type UpstreamUser } from '../src/graphql/upstream.js';

/** What the fake services behind a FakeCaller hold. */
export interface FakeUpstreamData {
  readonly users: readonly UpstreamUser[];
  readonly profiles: readonly UpstreamProfile[];
  /** Inbox messages by owner, newest first. */
  readonly inboxes: Readonly<Record<string, readonly UpstreamMessage[]>>;
}

/** A ServiceCaller answering auth's, profile's and mail's internal routes from memory, recording each call. */
export interface FakeCaller extends ServiceCaller {
  readonly calls: ServiceCall[];
  /** Services that answer 503 (an outage). */
  readonly failing: Set<string>;
  /** The calls made to one path (no query string). */
  callsTo(path: string): ServiceCall[];
}

/** A viewer and three senders with profiles, the viewer's inbox holding four messages from them (one twice) and one from the postmaster. */
export const fakeWorld: FakeUpstreamData = Object.freeze({
  users: ['viewer', 'ada', 'bob', 'cy'].map((name) => ({ userId: `u-${name}`, username: name, firstName: name[0]!.toUpperCase() + name.slice(1), verified: true })),
  profiles: ['viewer', 'ada', 'bob', 'cy'].map((name) => ({ userId: `u-${name}`, displayName: `${name} (display)`, bio: `${name}'s secret bio`, location: 'Lisbon' })),
  inboxes: {
    'u-viewer': [
      ...['ada', 'bob', 'cy', 'ada'].map((name, i) => ({ id: 40 - i, subject: `from ${name} #${i}`, snippet: 'hello', sentAt: 1000 - i, read: false, from: { address: `${name}@topolab.test`, name, userId: `u-${name}` } })),
      { id: 10, subject: 'Undeliverable', snippet: 'bounce', sentAt: 1, read: true, from: { address: 'mailer-daemon@topolab.test', name: 'Mail Delivery System' } },
    ],
  },
});

/** Creates a fake caller over `data` (default fakeWorld). */
export function createFakeCaller(data: FakeUpstreamData = fakeWorld): FakeCaller {
  const calls: ServiceCall[] = [];
  const failing = new Set<string>();
  const ok = <T>(body: T) => ({ status: 200, headers: {}, body });
  const idsOf = (call: ServiceCall) => new Set((call.body as { userIds: string[] }).userIds);
  return {
    calls,
    failing,
    callsTo: (path) => calls.filter((call) => call.path.split('?')[0] === path),
    async call<T>(call: ServiceCall) {
      calls.push(call);
      if (failing.has(call.service)) return { status: 503, headers: {}, body: { error: { code: 'FAKE_DOWN' } } as T };
      const [path, search = ''] = call.path.split('?');
      if (path === '/auth/internal/users/lookup') return ok({ users: data.users.filter((user) => idsOf(call).has(user.userId)) } as T);
      if (path === '/profile/internal/profiles/lookup') return ok({ profiles: data.profiles.filter((profile) => idsOf(call).has(profile.userId)) } as T);
      if (path === '/mail/internal/inbox') {
        const query = new URLSearchParams(search);
        return ok({ messages: (data.inboxes[query.get('userId') ?? ''] ?? []).slice(0, Number(query.get('limit'))) } as T);
      }
      return { status: 404, headers: {}, body: { error: { code: 'HTTP_NOT_FOUND' } } as T };
    },
  };
}

/** Options of runOverFakes. */
export interface RunOverFakesOptions {
  /** @default createFakeCaller() */
  readonly caller?: FakeCaller;
  readonly variables?: Record<string, unknown>;
  /** Over defaultRunLimits. */
  readonly limits?: Partial<RunLimits>;
  /** Calls the request's upstream client allows (the run-time backstop). @default limits.maxCalls */
  readonly budget?: number;
  /** @default false */
  readonly introspection?: boolean;
  /** @default 'POST' */
  readonly method?: 'GET' | 'POST';
}

const schema = createGraphqlSchema();

/** Runs one operation for u-viewer as app.ts does (a request's budgeted upstream client and loaders), over a fake caller. */
export async function runOverFakes(query: string, options: RunOverFakesOptions = {}) {
  const caller = options.caller ?? createFakeCaller();
  const recorded: RecordedTelemetry = recordTelemetry('graphql');
  const limits = { ...defaultRunLimits, ...options.limits };
  const upstream = budgetUpstream(createUpstream({ caller }), options.budget ?? limits.maxCalls);
  const trace = startServerTrace(undefined);
  const loaders = createRequestLoaders({ upstream, telemetry: recorded.telemetry, trace });
  const contextValue: GraphqlContext = { viewerId: 'u-viewer', loaders, trace };
  const outcome = await runGraphql({
    schema,
    params: { query, ...(options.variables ? { variables: options.variables } : {}) },
    method: options.method ?? 'POST',
    limits,
    introspection: options.introspection ?? false,
    rootValue: createRoot('u-viewer'),
    contextValue,
  });
  return { outcome, caller, recorded, loaders, trace, upstream };
}

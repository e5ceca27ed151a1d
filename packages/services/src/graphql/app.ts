import type { Server, ServerResponse } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { budgetUpstream } from './call-budget.js';
import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import { ServiceError } from '../kit/errors.js';
import { requireUser } from '../kit/http/identity.js';
import { defineRoute, Router, type RequestContext } from '../kit/http/router.js';
import { createHttpServer } from '../kit/http/server.js';
import type { Telemetry } from '../kit/telemetry.js';
import { formatErrors } from './format-errors.js';
import { paramsFromBody, paramsFromQuery, refusedStatus, responseMediaType, type GraphqlMediaType, type GraphqlParams } from './http-params.js';
import { createRequestLoaders } from './loaders.js';
import { createRoot, type GraphqlContext } from './resolvers.js';
import { defaultRunLimits, runGraphql, type RunLimits } from './run-query.js';
import { createGraphqlSchema } from './schema.js';
import { createUpstream } from './upstream.js';
import type { IdentityVerifier } from '../kit/identity/identity-verifier.js';

/** Largest request body (a query is a few hundred bytes; the gateway enforces it too). */
export const graphqlBodyLimit = 16 * 1024;

/** `/graphql` needs a signed-in user: the gateway names them in `x-user-id`, and `me` is them. */
export const graphqlRouteSpecs: readonly RouteSpec[] = Object.freeze([{ prefix: '/graphql', access: 'protected', bodyLimit: graphqlBodyLimit }] satisfies RouteSpec[]);

/** Options of createGraphqlApp. */
export interface GraphqlAppOptions {
  /** Reaches auth, profile and mail through discovery, with this instance's service token (main.ts). */
  readonly caller: ServiceCaller;
  readonly telemetry: Telemetry;
  /** @default defaultRunLimits */
  readonly limits?: Partial<RunLimits>;
  /** Answer `__schema` / `__type` (OWASP advises off in production; docs/services.md shows the schema). @default false */
  readonly introspection?: boolean;
  /** How long one upstream call may take. @default 2000 */
  readonly upstreamTimeoutMs?: number;
  /** Checks the gateway's identity assertions: the user of each request (main.ts: with the gateways' public key). */
  readonly identity?: IdentityVerifier;
}

/** The built, unstarted graphql service. */
export interface GraphqlApp {
  readonly server: Server;
  readonly routes: readonly RouteSpec[];
}

function send(res: ServerResponse, status: number, body: unknown, mediaType: GraphqlMediaType, headers: Readonly<Record<string, string>> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': `${mediaType}; charset=utf-8`, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/**
 * Builds the graphql service: `POST /graphql` (JSON) and `GET /graphql?query=` (queries only),
 * per GraphQL over HTTP; each request gets its own loaders, so N senders cost one lookup each
 * at auth and profile, and its own count of upstream calls (limits.maxCalls). Nothing listens
 * until the caller does.
 */
export function createGraphqlApp(options: GraphqlAppOptions): GraphqlApp {
  const { telemetry } = options;
  const schema = createGraphqlSchema();
  const limits: RunLimits = { ...defaultRunLimits, ...options.limits };
  const upstream = createUpstream({ caller: options.caller, ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }) });

  async function answer(ctx: RequestContext, method: 'GET' | 'POST', read: () => GraphqlParams): Promise<undefined> {
    const viewerId = requireUser(ctx);
    const mediaType = responseMediaType(ctx.req.headers.accept);
    const refuse = (error: ServiceError, errors: Parameters<typeof formatErrors>[0] | undefined) => {
      ctx.attributes.error = error.code;
      const formatted = errors ? formatErrors(errors, telemetry, ctx.trace.traceId) : [{ message: error.message, extensions: { code: error.code, ...(error.hint ? { hint: error.hint } : {}), ...(error.details ? { details: error.details } : {}) } }];
      send(ctx.res, refusedStatus(error, mediaType), { errors: formatted }, mediaType, error.status === 405 ? { allow: 'POST' } : {});
    };
    let params: GraphqlParams;
    try {
      params = read();
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      refuse(error, undefined);
      return undefined;
    }
    const budgeted = budgetUpstream(upstream, limits.maxCalls);
    const loaders = createRequestLoaders({ upstream: budgeted, telemetry, trace: ctx.trace });
    const contextValue: GraphqlContext = { viewerId, loaders, trace: ctx.trace };
    const outcome = await runGraphql({ schema, params, method, limits, introspection: options.introspection ?? false, rootValue: createRoot(viewerId), contextValue });
    if (outcome.kind === 'refused') {
      refuse(outcome.error, outcome.errors);
      return undefined;
    }
    const { result, measure } = outcome;
    const { users, profiles } = loaders.stats();
    Object.assign(ctx.attributes, { depth: measure.depth, cost: measure.cost, calls: budgeted.calls(), measuredCalls: measure.calls, userBatches: users.batches, userKeys: users.keys, profileBatches: profiles.batches, profileKeys: profiles.keys });
    const errors = result.errors ? { errors: formatErrors(result.errors, telemetry, ctx.trace.traceId) } : {};
    send(ctx.res, 200, { ...errors, data: result.data ?? null }, mediaType);
    return undefined;
  }

  const router = new Router().add(
    defineRoute({ method: 'POST', path: '/graphql', bodyLimit: graphqlBodyLimit, handler: (ctx) => answer(ctx, 'POST', () => paramsFromBody(ctx.body)) }),
    defineRoute({ method: 'GET', path: '/graphql', handler: (ctx) => answer(ctx, 'GET', () => paramsFromQuery(ctx.query)) }),
    defineRoute({ method: 'GET', path: '/health', handler: () => ({ status: 'ok' }) }),
  );
  const server = createHttpServer({ router, telemetry, identity: options.identity, registered: graphqlRouteSpecs, bodyLimit: graphqlBodyLimit });
  return { server, routes: graphqlRouteSpecs };
}

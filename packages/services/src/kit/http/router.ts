import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdentityClaims } from '../../contract/identity.js';
import type { ServiceScope } from '../../contract/service-auth.js';
import type { ServiceTokenClaims } from '../service-auth/guard.js';
import type { TraceContext } from '../trace.js';
import type { Reply } from './reply.js';
import type * as z from '../zod.js';
import { HttpRouter, type RouteMatch as HttpRouteMatch } from '../../contract/http/router.js';

/** Everything a route handler gets for one request. */
export interface RequestContext<Body = unknown, Query = Record<string, string>> {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Path without the query string, as received. */
  readonly path: string;
  /** Decoded `:name` segments of the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string, validated when the route has a `query` schema. */
  readonly query: Query;
  /** The JSON body, validated when the route has a `body` schema. */
  readonly body: Body;
  /** The user of the gateway's identity assertion, when one came and verified (never a bare `x-user-id`). */
  readonly userId: string | undefined;
  /** That assertion's claims: the user, and the access token it stands for (jti, exp). */
  readonly identity: IdentityClaims | undefined;
  /** On a route with a `scope`: the verified service token's claims (who calls: `mail#1`). */
  readonly caller: ServiceTokenClaims | undefined;
  /** This request's span; pass it to outgoing calls so the trace continues. */
  readonly trace: TraceContext;
  /** Facts to attach to the request's span (`cache: 'hit'`). */
  readonly attributes: Record<string, string | number | boolean>;
}

/** What a handler returns: a Reply, any JSON value (200), or undefined (204). A handler that streams writes `res` itself. */
export type HandlerResult = Reply | unknown;

/** A route: method, pattern (`/v1/instances/:id`), optional schemas, and the handler. */
export interface Route<B extends z.core.$ZodType | undefined = z.core.$ZodType | undefined, Q extends z.core.$ZodType | undefined = z.core.$ZodType | undefined> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: B;
  readonly query?: Q;
  /** Body limit in bytes for this route. @default the service's limit (1 MiB) */
  readonly bodyLimit?: number;
  /**
   * The service-token scope the route needs (contract/service-auth.ts). Required on, and only
   * on, routes under one of the service's `internal` prefixes: the server refuses a call
   * without a valid service token (401) or without this scope in it (403).
   */
  readonly scope?: ServiceScope;
  /**
   * `client`: the route authenticates the calling client itself (the OAuth token endpoint,
   * with the client's secret), so it needs no service token though it is internal.
   */
  readonly credentials?: 'client';
  /** Also accept an `application/x-www-form-urlencoded` body (as an object of strings). @default false */
  readonly form?: boolean;
  readonly handler: (
    ctx: RequestContext<B extends z.core.$ZodType ? z.output<B> : undefined, Q extends z.core.$ZodType ? z.output<Q> : Record<string, string>>,
  ) => HandlerResult | Promise<HandlerResult>;
}

/** Declares a route with its body and query types inferred from the schemas. */
export function defineRoute<B extends z.core.$ZodType | undefined = undefined, Q extends z.core.$ZodType | undefined = undefined>(
  route: Route<B, Q>,
): Route {
  return route as unknown as Route;
}

/** The outcome of matching a method and path to a service's routes. */
export type RouteMatch = HttpRouteMatch<Route>;

/** Matches requests to a service's routes: the contract's router (the control API's too) over kit routes. */
export class Router extends HttpRouter<Route> {}

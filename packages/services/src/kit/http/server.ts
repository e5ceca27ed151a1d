import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { splitPath } from '../../contract/http/router.js';
import type { RouteSpec } from '../../contract/registry-api.js';
import { httpErrors, type ServiceError } from '../errors.js';
import { readRequestIdentity, type IdentityVerifier } from '../identity/identity-verifier.js';
import { requireServiceToken, type ServiceGuard } from '../service-auth/guard.js';
import type { Telemetry } from '../telemetry.js';
import type { TraceContext } from '../trace.js';
import { readJsonBody } from './body.js';
import { identityUnverified } from './identity.js';
import { Reply, sendError, sendJson, toServiceError } from './reply.js';
import type { RequestContext, Route, Router } from './router.js';
import { startServerSpan } from './server-span.js';
import * as z from '../zod.js';

/** Options of createHttpServer. */
export interface HttpServerOptions {
  readonly router: Router;
  readonly telemetry: Telemetry;
  /** Default body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
  /** Checks the service tokens of routes with a `scope`; required when any route has one. */
  readonly serviceAuth?: ServiceGuard | undefined;
  /**
   * Checks the gateway's identity assertions (`x-jwt-assertion`): the only way a request gets a
   * `userId`. Without it no request has a user (every `requireUser` answers 401).
   */
  readonly identity?: IdentityVerifier | undefined;
  /**
   * What the service registers: every route under one of its `internal` prefixes must name a
   * scope, or the server is not built (an internal route cannot be left open by mistake).
   */
  readonly registered?: readonly RouteSpec[];
}

/** Throws unless every route under an internal prefix has a scope, and a guard checks them. */
function checkInternalRoutes(routes: readonly Route[], registered: readonly RouteSpec[], guard: ServiceGuard | undefined): void {
  const internal = registered.filter((spec) => spec.access === 'internal').map((spec) => splitPath(spec.prefix));
  // Whether the route could serve a path under an internal prefix: a `:param` segment matches the prefix's segment too (`/demo/:section` serves `/demo/internal`).
  const under = (path: string) => {
    const route = splitPath(path);
    return internal.some((prefix) => route.length >= prefix.length && prefix.every((segment, i) => route[i] === segment || route[i]!.startsWith(':')));
  };
  for (const route of routes) {
    if (under(route.path) && !route.scope && route.credentials !== 'client') throw new Error(`The internal route ${route.method} ${route.path} names no service-token scope.`);
    if (route.scope && !guard) throw new Error(`The route ${route.method} ${route.path} needs a service guard (serviceAuth).`);
  }
}

/**
 * Builds the (unstarted) HTTP server of a service: JSON in and out, body limit, validation,
 * errors as `{ error: { code, message, hint } }`, a server span per request, service tokens on
 * internal routes and the user from the gateway's identity assertion on the others.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { router, telemetry } = options;
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const guard = options.serviceAuth;
  checkInternalRoutes(router.routes(), options.registered ?? [], guard);
  const server = createServer((req, res) => {
    void handleRequest(req, res);
  });
  // Upstream keep-alive sockets must outlive the gateway's idle ones, or a reused socket races a close.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const span = startServerSpan(req, res, telemetry);
    const { trace, attributes } = span;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    span.name = `${method} ${path}`;

    try {
      const match = router.match(method, path);
      if (match.kind === 'none') throw httpErrors.HTTP_NOT_FOUND();
      if (match.kind === 'wrong-method') throw httpErrors.HTTP_METHOD_NOT_ALLOWED({ headers: { allow: match.allow.join(', ') } });
      const { route, params } = match;
      span.name = `${method} ${route.path}`;
      const caller = route.scope ? await requireServiceToken(guard!, req, route.scope, trace) : undefined;
      if (caller) attributes.caller = caller.clientId;
      const query = parseQuery(route, queryAt === -1 ? '' : url.slice(queryAt + 1));
      // A user only from an assertion that verifies; a forged or foreign one is refused outright. `x-user-id` is ignored.
      const read = route.scope ? undefined : readRequestIdentity(req.headers, options.identity);
      const identity = read instanceof Promise ? await read : read;
      if (identity?.kind === 'refused') {
        attributes.identity = 'refused';
        throw identityUnverified();
      }
      if (identity?.kind === 'verified') attributes.identity = 'verified';
      const raw = method === 'GET' || method === 'HEAD' ? undefined : await readJsonBody(req, route.bodyLimit ?? bodyLimit, route.form);
      const body = route.body ? validate(route.body, raw ?? {}, 'body') : raw;
      const ctx: RequestContext<unknown, Record<string, string>> = {
        req,
        res,
        method,
        path,
        params,
        query,
        body,
        userId: identity?.kind === 'verified' ? identity.claims.sub : undefined,
        identity: identity?.kind === 'verified' ? identity.claims : undefined,
        caller,
        trace,
        attributes,
      };
      const result = await route.handler(ctx as never);
      if (res.headersSent || res.writableEnded) return;
      if (result instanceof Reply) sendJson(res, result.status, result.body, result.headers);
      else if (result === undefined) sendJson(res, 204, undefined);
      else sendJson(res, 200, result);
    } catch (error) {
      answerError(res, toServiceError(error), trace, telemetry, attributes);
    }
  }

  return server;
}

function answerError(
  res: ServerResponse,
  error: ServiceError,
  trace: TraceContext,
  telemetry: Telemetry,
  attributes: Record<string, string | number | boolean>,
): void {
  attributes.error = error.code;
  if (error.status >= 500) {
    const cause = error.cause as Error | undefined;
    telemetry.error('request failed', { errorCode: error.code, traceId: trace.traceId, cause: cause?.stack ?? String(cause) });
  }
  // A body we refused to read must not be parsed as the next request on this connection: with
  // `connection: close` the rest of it is drained first, so a client (often the gateway) still
  // sending gets the whole 413 and then a clean close instead of a reset.
  sendError(res, error);
}

function parseQuery(route: Route, search: string): Record<string, string> {
  const params = new URLSearchParams(search);
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] ??= value;
  return route.query ? (validate(route.query, query, 'query') as Record<string, string>) : query;
}

/** Validates `value` with `schema`, failing with HTTP_VALIDATION_FAILED and per-field details (never values). */
export function validate<S extends z.core.$ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw httpErrors.HTTP_VALIDATION_FAILED({
    details: result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}

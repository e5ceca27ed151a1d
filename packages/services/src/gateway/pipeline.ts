import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import { hasBody } from '../kit/http/body.js';
import { toServiceError } from '../kit/http/reply.js';
import { startServerSpan } from '../kit/http/server-span.js';
import { createRequestStages } from '../kit/proxy/request-stages.js';
import type { Telemetry } from '../kit/telemetry.js';
import { authorize } from './authorize.js';
import type { Limits } from './limits/limits.js';
import { admitClient, admitUser, clientKeyOf } from './limits/stage.js';
import { forwardRequest, gatewayStageErrors, isIdempotent } from './forward.js';
import { buildUpstreamHeaders, clientWantsClose } from './headers.js';
import { answerHealth } from './health.js';
import type { IdentityMinter } from './identity-minter.js';
import type { Modes } from './modes.js';
import { normalizeTarget } from './normalize-path.js';
import { clientBodyTimeoutOf, type UpstreamProxy } from './proxy.js';
import type { SpanAttributes } from './span-attributes.js';

/** The parts of the catalog cache the pipeline reads. */
export type GatewayCatalog = Pick<CatalogCache, 'current' | 'route' | 'watching'>;

/** What the pipeline needs. */
export interface PipelineDeps {
  /** Body limit in bytes of routes that name none (a declared Content-Length above it, or a chunked body growing past it: 413). */
  readonly bodyLimit: number;
  /** Idle time between two chunks of a body the gateway reads for a retry (408 past it). @default 10000 */
  readonly clientBodyTimeoutMs?: number;
  readonly telemetry: Telemetry;
  readonly catalog: GatewayCatalog;
  readonly modes: Modes;
  readonly proxy: UpstreamProxy;
  /** Rate limits and blacklist. */
  readonly limits: Limits;
  /** Signs the identity assertion a protected request carries upstream. */
  readonly identity: IdentityMinter;
  /** Epoch ms now, for span start times. */
  readonly clock: () => number;
}

/**
 * The gateway's request handler. Per request, in order: request id and trace → blacklist and
 * rate limit per client address → path normalisation → route lookup → body size (the route's
 * limit, else the gateway's; `Expect: 100-continue` is answered only after this check; a
 * chunked body is counted as it streams upstream, see UpstreamProxy) → auth
 * (active mode) → rate limit per user → identity assertion for the route's service →
 * discovery (active mode) → proxy → response and server span.
 */
export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { telemetry, catalog, modes, proxy, limits, clock, bodyLimit, identity } = deps;
  const stages = createRequestStages({
    catalog,
    bodyLimit,
    telemetry,
    errors: gatewayStageErrors,
    ...clientBodyTimeoutOf(deps),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const span = startServerSpan(req, res, telemetry, clock);
    const { trace } = span;
    const method = req.method ?? 'GET';
    const active = modes.current();
    const attributes: SpanAttributes = span.attributes;
    attributes.discovery = active.discovery.name;
    attributes.auth = active.auth.name;
    const requestId = randomUUID();
    const client = clientKeyOf(req);

    try {
      admitClient(limits, client, attributes);
      const target = normalizeTarget(req.url ?? '');
      span.name = `${method} ${target.path}`;
      if (target.path === '/health') {
        res.setHeader('x-request-id', requestId);
        return answerHealth(req, res, catalog, active);
      }
      const route = stages.findRoute(target.path);
      attributes.route = route.prefix;
      attributes.service = route.service;
      // After the route lookup: a route may declare a body limit of its own (`/mail/send`).
      stages.checkDeclaredLength(req, route);
      // The server hands `Expect: 100-continue` requests here unanswered (checkContinue): invite the upload now.
      if (expectsContinue(req)) res.writeContinue();
      const user = await authorize({ route, authorization: req.headers.authorization, auth: active.auth, trace, attributes });
      admitUser(limits, user?.userId, attributes);
      const subject = user ? { sub: user.userId, audience: route.service, tokenJti: user.tokenJti, tokenExp: user.tokenExp } : undefined;
      // The reusable assertion of a busy user without a trip through the microtask queue.
      const assertion = subject ? (identity.known(subject) ?? (await identity.mint(subject))) : undefined;
      const body = isIdempotent(method) && hasBody(req) ? await stages.readReplayableBody(req, route) : undefined;
      const closeAfter = clientWantsClose(req.headers);
      const headers = buildUpstreamHeaders(req.headers, { clientAddress: req.socket.remoteAddress ?? '', proto: protoOf(req), requestId, identity: assertion });
      if (body) headers['content-length'] = String(body.length);
      req.headers = headers as IncomingHttpHeaders;
      req.url = target.url;
      const bodyLimit = stages.limitOf(route);
      // The proxied answer carries `x-request-id` in its one writeHead; every other answer sets it here.
      await forwardRequest({ req, res, method, path: target.path, route, trace, body, bodyLimit, closeAfter, requestId, discovery: active.discovery, proxy, attributes });
    } catch (error) {
      if (!res.headersSent) res.setHeader('x-request-id', requestId);
      stages.answerError(req, res, toServiceError(error), attributes);
    }
    // The answer's head is out (or the client left first: no status to count).
    if (res.headersSent) limits.record(client, res.statusCode);
  }

  return (req, res) => {
    void handle(req, res);
  };
}

function expectsContinue(req: IncomingMessage): boolean {
  return /(?:^|\W)100-continue(?:$|\W)/i.test(req.headers.expect ?? '');
}

function protoOf(req: IncomingMessage): 'http' | 'https' {
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { InstancePicker } from '../kit/discovery/instance-picker.js';
import { toServiceError } from '../kit/http/reply.js';
import { sendErrorOnSocket } from '../kit/http/socket-reply.js';
import { startUpgradeSpan } from '../kit/http/upgrade-span.js';
import { createRequestStages } from '../kit/proxy/request-stages.js';
import { createUpgradeProxy, forwardHandshake, isWebSocketUpgrade, restoreUpgradeHeaders } from '../kit/proxy/upgrade-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { startChildTrace } from '../kit/trace.js';
import { lbErrors } from './errors.js';
import type { LbCatalog } from './handler.js';
import { buildLbUpstreamHeaders } from './headers.js';

/** What the lb's upgrade handler needs. */
export interface LbUpgradeDeps {
  readonly telemetry: Telemetry;
  readonly catalog: LbCatalog;
  readonly picker: InstancePicker;
  /** Silence from the upstream before it answers a handshake (then 504). */
  readonly upstreamTimeoutMs: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Makes the lb proxy WebSockets in server-side discovery: a handshake is routed like a
 * request — route lookup, an instance of the route's service (round-robin, passive health) —
 * and its identity headers pass unchanged (the lb trusts the gateway). A refusal is an HTTP
 * answer with the lb's JSON error on the raw socket. Each handshake gets a server span.
 */
export function attachLbUpgrades(server: Server, deps: LbUpgradeDeps): void {
  const { telemetry, catalog, picker } = deps;
  const clock = deps.clock ?? Date.now;
  const proxy = createUpgradeProxy({ timeoutMs: deps.upstreamTimeoutMs, telemetry, clock });
  const stages = createRequestStages({
    catalog,
    bodyLimit: 0,
    telemetry,
    errors: {
      catalogUnavailable: () => lbErrors.LB_CATALOG_UNAVAILABLE(),
      routeNotFound: () => lbErrors.LB_ROUTE_NOT_FOUND(),
      tooLarge: () => lbErrors.LB_BODY_TOO_LARGE(),
    },
  });

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const span = startUpgradeSpan(req, socket, telemetry, clock);
    const { attributes } = span;
    let status = 0;
    try {
      if (!isWebSocketUpgrade(req)) throw lbErrors.LB_UPGRADE_UNSUPPORTED();
      // The lb trusts its caller (the gateway normalised the path).
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const route = stages.findRoute(path);
      attributes.route = route.prefix;
      attributes.service = route.service;
      req.headers = restoreUpgradeHeaders(buildLbUpstreamHeaders(req.headers), req.headers) as IncomingHttpHeaders;
      const upstream = picker.pick(route.service);
      if (!upstream) throw lbErrors.LB_NO_INSTANCE({ message: `No live instance of ${route.service} serves ${route.prefix}.` });
      status = await forwardHandshake(proxy, picker, { req, socket, head }, {
        upstream,
        trace: startChildTrace(span.trace),
        name: `${route.service}: GET ${path}`,
        errors: {
          unreachable: (cause) => lbErrors.LB_UPSTREAM_UNREACHABLE({ cause }),
          timeout: (cause) => lbErrors.LB_UPSTREAM_TIMEOUT({ cause }),
          failed: (cause) => lbErrors.LB_UPSTREAM_FAILED({ cause }),
        },
      }, attributes);
    } catch (error) {
      const answer = toServiceError(error);
      attributes.error = answer.code;
      status = answer.status;
      sendErrorOnSocket(socket, answer);
    } finally {
      span.end(status);
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handle(req, socket, head);
  });
  server.on('close', () => proxy.close());
}

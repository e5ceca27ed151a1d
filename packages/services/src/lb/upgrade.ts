import type { IncomingHttpHeaders, Server } from 'node:http';
import type { InstancePicker } from '../kit/discovery/instance-picker.js';
import { proxyUpgrades } from '../kit/http/upgrades.js';
import { forwardHandshake, isWebSocketUpgrade, restoreUpgradeHeaders } from '../kit/proxy/upgrade-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { startChildTrace } from '../kit/trace.js';
import { lbErrors } from './errors.js';
import { forwardErrorsFor, lbStageErrors, type LbCatalog } from './handler.js';
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
  const { picker } = deps;
  proxyUpgrades(server, { ...deps, stageErrors: lbStageErrors }, ({ req, socket, head, span, proxy, findRoute }) => ({
    async forward() {
      const { attributes } = span;
      if (!isWebSocketUpgrade(req)) throw lbErrors.LB_UPGRADE_UNSUPPORTED();
      // The lb trusts its caller (the gateway normalised the path).
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const route = findRoute(path);
      attributes.route = route.prefix;
      attributes.service = route.service;
      req.headers = restoreUpgradeHeaders(buildLbUpstreamHeaders(req.headers), req.headers) as IncomingHttpHeaders;
      const errors = forwardErrorsFor(route);
      const upstream = picker.pick(route.service);
      if (!upstream) throw errors.noInstance();
      return forwardHandshake(proxy, picker, { req, socket, head }, {
        upstream,
        trace: startChildTrace(span.trace),
        name: `${route.service}: GET ${path}`,
        errors,
      }, attributes);
    },
  }));
}

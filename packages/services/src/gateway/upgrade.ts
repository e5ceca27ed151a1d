import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { proxyUpgrades } from '../kit/http/upgrades.js';
import { forwardHandshake, isWebSocketUpgrade, restoreUpgradeHeaders } from '../kit/proxy/upgrade-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { startChildTrace } from '../kit/trace.js';
import { authorize } from './authorize.js';
import { gatewayErrors } from './errors.js';
import { forwardErrorsFor, gatewayStageErrors } from './forward.js';
import { buildUpstreamHeaders } from './headers.js';
import type { IdentityMinter } from './identity-minter.js';
import type { Limits } from './limits/limits.js';
import { admitClient, admitUser, clientKeyOf } from './limits/stage.js';
import type { Modes } from './modes.js';
import { normalizeTarget } from './normalize-path.js';
import type { GatewayCatalog } from './pipeline.js';
import { bearerSubprotocol, readUpgradeCredentials } from './upgrade-credentials.js';

/** What the gateway's upgrade handler needs (the same parts as its request pipeline). */
export interface GatewayUpgradeDeps {
  readonly telemetry: Telemetry;
  readonly catalog: GatewayCatalog;
  /** Holder of the active discovery and auth modes, read once per handshake. */
  readonly modes: Modes;
  readonly limits: Limits;
  /** Signs the identity assertion the handshake carries upstream. */
  readonly identity: IdentityMinter;
  /** Silence from the upstream before it answers a handshake (then 504). */
  readonly upstreamTimeoutMs: number;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Makes the gateway proxy WebSockets: every `upgrade` event runs the stages of an HTTP request
 * that apply to a handshake — blacklist and rate limit per client address, path normalisation,
 * route lookup, auth in the active mode (the token as `Authorization: Bearer`, or as the
 * subprotocols `bearer, <token>` a browser can send), rate limit per user, discovery in the
 * active mode — then proxies the handshake and, once switched, the frames. Upstream it sends
 * the gateway's identity assertion (which names the access token's jti and exp, so the service
 * can end the socket with the token) and neither the token nor its subprotocol.
 * A refusal is an HTTP answer with the JSON error body on the raw socket, which then closes.
 * Each handshake gets a server span (status 101 when switched), so traces show gateway → chat#N.
 */
export function attachUpgradeHandler(server: HttpServer | HttpsServer, deps: GatewayUpgradeDeps): void {
  const { telemetry, modes, limits } = deps;
  proxyUpgrades(server, { ...deps, stageErrors: gatewayStageErrors }, ({ req, socket, head, span, proxy, findRoute }) => {
    const { trace } = span;
    const active = modes.current();
    const attributes = Object.assign(span.attributes, { discovery: active.discovery.name, auth: active.auth.name });
    const client = clientKeyOf(req);
    const requestId = randomUUID();
    return {
      async forward() {
        admitClient(limits, client, attributes);
        if (!isWebSocketUpgrade(req)) throw gatewayErrors.GATEWAY_UPGRADE_UNSUPPORTED();
        const target = normalizeTarget(req.url ?? '');
        span.name = `GET ${target.path}`;
        const route = findRoute(target.path);
        attributes.route = route.prefix;
        attributes.service = route.service;
        const credentials = readUpgradeCredentials(req.headers);
        if (credentials.viaSubprotocol) attributes.tokenVia = 'subprotocol';
        const user = await authorize({ route, authorization: credentials.authorization, auth: active.auth, trace, attributes });
        admitUser(limits, user?.userId, attributes);
        const assertion = user ? await deps.identity.mint({ sub: user.userId, audience: route.service, tokenJti: user.tokenJti, tokenExp: user.tokenExp }) : undefined;
        const headers = buildUpstreamHeaders(req.headers, {
          clientAddress: req.socket.remoteAddress ?? '',
          proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
          requestId,
          identity: assertion,
        });
        delete headers.authorization;
        delete headers['sec-websocket-protocol'];
        if (credentials.subprotocols !== undefined) headers['sec-websocket-protocol'] = credentials.subprotocols;
        req.headers = restoreUpgradeHeaders(headers, req.headers) as IncomingHttpHeaders;
        req.url = target.url;
        const errors = forwardErrorsFor(route, active.discovery);
        const upstream = active.discovery.pick(route);
        if (!upstream) throw errors.noInstance();
        return forwardHandshake(proxy, active.discovery, { req, socket, head }, {
          upstream,
          trace: startChildTrace(trace),
          name: `${route.service}: GET ${target.path}`,
          errors,
          ...(active.discovery.attemptTimeoutMs === undefined ? {} : { timeoutMs: active.discovery.attemptTimeoutMs }),
          answerHeaders: { 'x-request-id': requestId, ...(credentials.viaSubprotocol ? { 'sec-websocket-protocol': bearerSubprotocol } : {}) },
        }, attributes);
      },
      refusalHeaders: { 'x-request-id': requestId },
      refused(answer) {
        if (answer.code === 'HTTP_INTERNAL') telemetry.error('upgrade failed', { errorCode: answer.code, cause: (answer.cause as Error | undefined)?.stack });
      },
      answered(status) {
        // 401s and 429s of handshakes count towards a block, as those of requests do.
        if (status > 0) limits.record(client, status);
      },
    };
  });
}

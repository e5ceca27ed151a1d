import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Telemetry } from '../kit/telemetry.js';
import type { IdentityMinter } from './identity-minter.js';
import { withHsts } from './edge/hsts.js';
import { edgeTlsOptions } from './edge/tls-policy.js';
import { attachLimits } from './limits/attach.js';
import { createLimits, type Limits } from './limits/limits.js';
import { pickLimitSettings, type LimitSettings } from './limits/settings.js';
import type { Modes } from './modes.js';
import { createPipeline, type GatewayCatalog } from './pipeline.js';
import { clientBodyTimeoutOf, createUpstreamProxy } from './proxy.js';
import { attachUpgradeHandler } from './upgrade.js';

/** The settings the gateway's request path reads (a subset of GatewayConfig); missing limit settings take their defaults. */
export interface GatewayAppConfig extends Partial<LimitSettings> {
  /** Request body limit in bytes. */
  readonly bodyLimit: number;
  /** Silence from an upstream after which the gateway answers 504. */
  readonly upstreamTimeoutMs: number;
  /** Idle time between two chunks of a client's streamed body after which the client is answered 408. @default 10000 */
  readonly clientBodyTimeoutMs?: number;
}

/** Options of createGatewayApp. */
export interface GatewayAppOptions {
  readonly config: GatewayAppConfig;
  readonly telemetry: Telemetry;
  /** The cached registry catalog: route table, and `/health` facts. */
  readonly catalog: GatewayCatalog;
  /** Holder of the active discovery and auth modes, read per request. */
  readonly modes: Modes;
  /** Signs the identity assertions protected requests carry upstream (main.ts: with `TOPOLAB_IDENTITY_KEY`). */
  readonly identity: IdentityMinter;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
  /** Rate limits and blacklist (their state and settings). @default createLimits from the limit settings in `config` */
  readonly limits?: Limits;
  /** Serve HTTPS (TLS 1.2 with ECDHE and AEAD, or 1.3) with this certificate chain and key, PEM. @default plain HTTP */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/**
 * Builds the gateway (the edge) as an unstarted HTTP server (HTTPS with `tls`): every request
 * runs the pipeline and is proxied to an upstream instance, except the gateway's own `GET /health`.
 */
export function createGatewayApp(options: GatewayAppOptions & { tls: NonNullable<GatewayAppOptions['tls']> }): HttpsServer;
export function createGatewayApp(options: GatewayAppOptions): Server | HttpsServer;
export function createGatewayApp(options: GatewayAppOptions): Server | HttpsServer {
  const { config, telemetry } = options;
  const clock = options.clock ?? Date.now;
  const proxy = createUpstreamProxy({ timeoutMs: config.upstreamTimeoutMs, ...clientBodyTimeoutOf(config), telemetry, clock });
  const limits = options.limits ?? createLimits(pickLimitSettings(config));
  const detachLimits = attachLimits(limits, { telemetry, clock });
  const handler = createPipeline({ bodyLimit: config.bodyLimit, ...clientBodyTimeoutOf(config), telemetry, catalog: options.catalog, modes: options.modes, proxy, limits, clock, identity: options.identity });
  // With TLS: Mozilla's intermediate profile (edge/tls-policy.ts) and HSTS on the zone's names (edge/hsts.ts).
  const serve = options.tls ? withHsts(handler) : handler;
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, ...edgeTlsOptions }, serve) : createServer(serve);
  attachUpgradeHandler(server, { telemetry, catalog: options.catalog, modes: options.modes, limits, identity: options.identity, upstreamTimeoutMs: config.upstreamTimeoutMs, clock });
  // `Expect: 100-continue`: the pipeline invites the upload once the route's body limit allows it.
  server.on('checkContinue', serve);
  // Clients such as bench keep connections open between bursts; match the services' idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('close', () => {
    proxy.close();
    detachLimits();
  });
  return server;
}

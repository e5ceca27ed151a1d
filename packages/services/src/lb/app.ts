import { createServer, type Server } from 'node:http';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import { createInstancePicker } from '../kit/discovery/instance-picker.js';
import { createPassiveHealth } from '../kit/discovery/passive-health.js';
import { clientBodyTimeoutOf, createUpstreamProxy } from '../kit/proxy/upstream-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { createLbHandler } from './handler.js';
import { attachLbUpgrades } from './upgrade.js';

/** The settings the lb's request path reads (a subset of LbConfig). */
export interface LbAppConfig {
  /** Request body limit in bytes. */
  readonly bodyLimit: number;
  /** Silence from an upstream after which an attempt times out. */
  readonly upstreamTimeoutMs: number;
  /** Consecutive connection failures or timeouts after which an instance is skipped. */
  readonly passiveHealthFailures: number;
  /** Idle time between two chunks of a client's streamed body after which the client is answered 408. @default 10000 */
  readonly clientBodyTimeoutMs?: number;
}

/** Options of createLbApp. */
export interface LbAppOptions {
  readonly config: LbAppConfig;
  readonly telemetry: Telemetry;
  /** The lb's own cached copy of the registry: route table and instances. */
  readonly catalog: Pick<CatalogCache, 'current' | 'route' | 'watching' | 'instances' | 'onChange'>;
  /** Epoch ms now, for span start times and passive health. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Builds the lb (server-side discovery, like AWS ELB or NGINX with Consul) as an unstarted
 * HTTP server: it resolves route → service → instance from its own catalog cache and proxies
 * every request (and WebSocket), except its own `GET /health`.
 */
export function createLbApp(options: LbAppOptions): Server {
  const { config, telemetry, catalog } = options;
  const clock = options.clock ?? Date.now;
  const proxy = createUpstreamProxy({ timeoutMs: config.upstreamTimeoutMs, ...clientBodyTimeoutOf(config), telemetry, clock });
  const passiveHealth = createPassiveHealth({ failures: config.passiveHealthFailures, clock, telemetry });
  const picker = createInstancePicker({ catalog, passiveHealth });
  const server = createServer(createLbHandler({ bodyLimit: config.bodyLimit, ...clientBodyTimeoutOf(config), telemetry, catalog, picker, proxy, clock }));
  // WebSocket handshakes (the chat's `/chat/ws`) are routed the same way, then tunnelled.
  attachLbUpgrades(server, { telemetry, catalog, picker, upstreamTimeoutMs: config.upstreamTimeoutMs, clock });
  // The gateway keeps connections to the lb open; match the services' idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('close', () => {
    picker.close();
    proxy.close();
  });
  return server;
}

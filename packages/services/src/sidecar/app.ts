import type { Server } from 'node:http';
import type { BusClient } from '../kit/clients/bus-client.js';
import type { CacheClient } from '../kit/clients/cache-client.js';
import { createHttpServer } from '../kit/http/server.js';
import { Router } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { AccessTokenVerifier } from '../kit/token-cache/access-token-verifier.js';
import type { Introspection } from '../kit/token-cache/introspection.js';
import { followRevocations, type RevocationFeed } from '../kit/token-cache/revocation-feed.js';
import type { TokenCacheSettings } from '../kit/token-cache/settings.js';
import { createTokenVerdicts, type TokenVerdicts } from '../kit/token-cache/token-verdicts.js';
import { createSidecarRoutes } from './routes.js';
import { createTokenChecker } from './token-checker.js';

/** Options of createSidecarApp. */
export interface SidecarAppOptions {
  /** Where `token.revoked` arrives. */
  readonly bus: Pick<BusClient, 'subscribe'>;
  /** The global cache (`token:<jti>`): read only, auth writes it. */
  readonly cache: Pick<CacheClient, 'get'>;
  /** Checks a token's signature and claims with auth's key, before any cache. */
  readonly verifier: AccessTokenVerifier;
  /** Auth's introspection (telling auth of a global-cache miss). */
  readonly introspection: Introspection;
  readonly telemetry: Telemetry;
  readonly settings: TokenCacheSettings;
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
  /** Most cached verdicts. @default 10000 */
  readonly maxEntries?: number;
  /** How long the first bus connection may take before it is reported. @default 3000 */
  readonly startGraceMs?: number;
  /** Epoch ms now; tests pass a fake one. @default Date.now */
  readonly clock?: () => number;
}

/** The built, unstarted sidecar. */
export interface SidecarApp {
  readonly server: Server;
  /** The sidecar registers so it shows in the registry, but owns no gateway route. */
  readonly routes: readonly [];
  /** Its verdicts, exposed for tests and `/health`. */
  readonly verdicts: TokenVerdicts;
  /** Starts following revocations (after the catalog can find the bus); until then every verdict is degraded. */
  start(): void;
  /** The sidecar is stopping: it goes on following revocations but reports no outage of the bus. */
  quiet(): void;
  /** Stops following revocations. */
  close(): void;
}

/**
 * Builds the auth sidecar: one per gateway instance, on loopback. `POST /check { token }`
 * answers from its in-process verdicts, then (signature checked first) the global cache, then
 * auth's introspection, and follows `token.revoked` on the bus; see TokenVerdicts for the
 * fallback-TTL rule while the bus is down. Events: `sidecar.bus.degraded` / `.restored`,
 * `sidecar.cache.degraded` / `.restored`.
 */
export function createSidecarApp(options: SidecarAppOptions): SidecarApp {
  const { telemetry, settings } = options;
  const clock = options.clock ?? Date.now;
  const verdicts = createTokenVerdicts({
    cacheTtlMs: settings.authCacheTtlMs,
    fallbackTtlMs: settings.authFallbackTtlMs,
    clock,
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
  });
  // Nothing vouches for the cache until the bus is followed.
  verdicts.setDegraded(true);
  const checker = createTokenChecker({ verdicts, verifier: options.verifier, cache: options.cache, introspection: options.introspection, telemetry, clock });
  let feed: RevocationFeed | undefined;
  const router = new Router().add(...createSidecarRoutes({ checker, verdicts, started: () => feed !== undefined }));
  const server = createHttpServer({ router, telemetry, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  return {
    server,
    routes: [],
    verdicts,
    start() {
      feed ??= followRevocations({
        bus: options.bus,
        verdicts,
        telemetry,
        mode: 'sidecar',
        events: { degraded: 'sidecar.bus.degraded', restored: 'sidecar.bus.restored' },
        clock,
        ...(options.startGraceMs === undefined ? {} : { startGraceMs: options.startGraceMs }),
      });
    },
    quiet: () => feed?.quiet(),
    close: () => feed?.close(),
  };
}

import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { createHttpServer } from '../kit/http/server.js';
import { Router } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { AuthSettings } from './config.js';
import { createOtpCodes } from './otp.js';
import { authRouteSpecs, createAuthRoutes } from './routes.js';
import type { SmsSender } from './sms-sender.js';
import { createTokenEvents, type AuthBus, type AuthCache } from './token-events.js';
import type { AuthStore } from './store.js';
import type { AccessTokens } from './tokens.js';

/** What createAuthApp reads from the configuration. */
export type AuthAppConfig = AuthSettings & {
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
};

/** Options of createAuthApp. */
export interface AuthAppOptions {
  readonly store: AuthStore;
  readonly sms: SmsSender;
  readonly tokens: AccessTokens;
  readonly telemetry: Telemetry;
  readonly config: AuthAppConfig;
  /** Where revocations and verifications are published (main.ts: the kit's bus client). */
  readonly bus: AuthBus;
  /** Where token states are written (main.ts: the kit's cache client). */
  readonly cache: AuthCache;
  /** Epoch ms now; tests pass a fake one. @default Date.now */
  readonly clock?: () => number;
}

/** The built, unstarted auth service. */
export interface AuthApp {
  readonly server: Server;
  /** The prefixes to register with the registry. */
  readonly routes: readonly RouteSpec[];
  /** Stops retrying undelivered token states (the outbox is in memory; what is pending is dropped and reported). */
  close(): void;
}

/**
 * Builds auth's HTTP server over the given store, SMS sender, token signer, bus and cache.
 * Nothing listens until the caller does.
 */
export function createAuthApp(options: AuthAppOptions): AuthApp {
  const { store, sms, tokens, telemetry, config } = options;
  const clock = options.clock ?? Date.now;
  const otp = createOtpCodes(store, clock());
  const lifetimes = { accessTokenTtlS: config.accessTokenTtlS, refreshTokenTtlS: config.refreshTokenTtlS };
  const events = createTokenEvents({ bus: options.bus, cache: options.cache, telemetry, clock });
  const router = new Router().add(...createAuthRoutes({ store, otp, sms, tokens, telemetry, clock, lifetimes, events }));
  const server = createHttpServer({ router, telemetry, ...(config.bodyLimit === undefined ? {} : { bodyLimit: config.bodyLimit }) });
  return { server, routes: authRouteSpecs, close: () => events.close() };
}

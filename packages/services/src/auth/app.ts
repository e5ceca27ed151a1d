import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { createHttpServer } from '../kit/http/server.js';
import { Router } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import { createClientCredentials } from './client-credentials.js';
import type { AuthSettings } from './config.js';
import { createEventRelay, type EventRelayOptions } from './event-relay.js';
import { createOtpCodes } from './otp.js';
import { createRecoveryCodes } from './recovery-codes.js';
import { authRouteSpecs, createAuthRoutes } from './routes.js';
import type { SmsSender } from './sms-sender.js';
import { createTokenEvents, type AuthBus, type AuthCache } from './token-events.js';
import type { AuthStore } from './store.js';
import type { AccessTokens } from './tokens.js';
import type { HashOptions } from './passwords.js';
import type { IdentityVerifier } from '../kit/identity/identity-verifier.js';

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
  /** The token endpoint and auth's own guard (main.ts builds it, as its SMS caller signs with it too). @default one over `tokens` and `config.clientKey` */
  readonly clientCredentials?: ReturnType<typeof createClientCredentials>;
  /** Timing of the outbox relay. @default poll 1 s, retry 200 ms doubling to 2 s, lease 3 s */
  readonly relay?: Pick<EventRelayOptions, 'pollMs' | 'minDelayMs' | 'maxDelayMs' | 'leaseMs'>;
  /** Checks the gateway's identity assertions: the user of each request (main.ts: with the gateways' public key). */
  readonly identity?: IdentityVerifier;
  /**
   * Cost of the scrypt hashes of new passwords (stored in each hash, so a hash is always checked
   * at its own cost). Tests pass a cheaper one where the cost is not what they test.
   * @default N = 16384, r = 8, p = 1 (passwords.ts)
   */
  readonly passwordCost?: HashOptions;
}

/** The built, unstarted auth service. */
export interface AuthApp {
  readonly server: Server;
  /** The prefixes to register with the registry. */
  readonly routes: readonly RouteSpec[];
  /**
   * Stops retrying undelivered token states (that outbox is in memory; what is pending is dropped
   * and reported) and stops the domain-event relay (its outbox is the database: nothing is lost).
   */
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
  const recovery = createRecoveryCodes(store, clock());
  const lifetimes = { accessTokenTtlS: config.accessTokenTtlS, refreshTokenTtlS: config.refreshTokenTtlS };
  const events = createTokenEvents({ bus: options.bus, cache: options.cache, telemetry, clock });
  const relay = createEventRelay({ log: store.events, bus: options.bus, telemetry, clock, ...options.relay });
  const credentials = options.clientCredentials ?? createClientCredentials({ tokens, clientKey: config.clientKey, telemetry, clock });
  const router = new Router().add(...createAuthRoutes({ store, otp, recovery, sms, tokens, telemetry, clock, lifetimes, events, relay, passwordCost: options.passwordCost ?? {} }), credentials.route);
  const server = createHttpServer({
    router,
    telemetry,
    serviceAuth: credentials.guard,
    identity: options.identity,
    registered: authRouteSpecs,
    ...(config.bodyLimit === undefined ? {} : { bodyLimit: config.bodyLimit }),
  });
  return {
    server,
    routes: authRouteSpecs,
    close() {
      events.close();
      relay.close();
    },
  };
}

import { logIn, logOut, registerVerified, startTestAuth, type TestAuth } from './auth.js';
import type { AuthBus } from '../src/auth/token-events.js';
import type { BusClient } from '../src/kit/clients/bus-client.js';
import { createServiceCaller, type ServiceCall, type ServiceCaller } from '../src/kit/discovery/service-caller.js';
import { createHttpClient } from '../src/kit/http/client.js';
import { createTestTokenSource } from './kit-service-auth.js';
import { recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createFakeBus, createFakeCache, type FakeBus, type FakeCache } from './kit-token-cache.js';
import { startServerTrace, type TraceContext } from '../src/kit/trace.js';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../src/kit/token-cache/access-token-verifier.js';
import { parseGatewayConfig } from '../src/gateway/config.js';
import { gatewayErrors } from '../src/gateway/errors.js';
import type { ModeDeps } from '../src/gateway/mode-deps.js';
import { buildCatalog, createFixedCatalog, testGatewayEnv, type FixedCatalog, type TestInstance } from './gateway.js';
import type { AuthMode, GatewayAuthModeName } from '../src/gateway/auth/auth-mode.js';
import { createAuthMode } from '../src/gateway/auth/factory.js';

/** A real in-process auth (fake clock, fake or given bus, fake cache) and what a gateway's auth mode needs around it. */
export interface AuthModeFixture {
  readonly auth: TestAuth<AuthBus>;
  readonly clock: TestAuth['clock'];
  readonly cache: FakeCache;
  /** The mode's telemetry (events such as `gateway.auth.degraded`). */
  readonly recorded: RecordedTelemetry;
  readonly catalog: FixedCatalog;
  readonly deps: ModeDeps;
  /** Builds a mode over these deps; closed with the fixture. */
  mode(name: GatewayAuthModeName): AuthMode;
  /** An access-token verifier as the modes build one (auth's keys through the catalog). */
  verifier(): AccessTokenVerifier;
  /** Registers (once) and logs alice in; returns her access token, refresh token and user id. */
  login(): Promise<{ accessToken: string; refreshToken: string; userId: string }>;
  /** Logs the holder of `accessToken` out. */
  logout(accessToken: string): Promise<void>;
  /** How many calls the mode made to auth on `path`. */
  calls(path: string): number;
  /** Names of the mode's events so far. */
  events(): string[];
  /** Closes the modes built, the client and auth (register it right after starting). */
  close(): Promise<void>;
}

/** Options of startAuthModeFixture. */
export interface AuthModeFixtureOptions {
  /** `TOPOLAB_*` variables on top of the gateway defaults. */
  readonly env?: NodeJS.ProcessEnv;
  /** The bus auth publishes on and the modes follow. @default a new FakeBus */
  readonly bus?: AuthBus & Pick<BusClient, 'subscribe'>;
  /** More services in the catalog (`bus` for a real bus). */
  readonly services?: Readonly<Record<string, readonly TestInstance[]>>;
}

/** Replaces claims of a JWT's payload, keeping its header and signature (a tampered token). */
export function withPayload(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), ...change };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

/** A trace for a check made outside a request. */
export function testTrace(): TraceContext {
  return startServerTrace(undefined);
}

/**
 * Starts auth and builds the deps of the gateway's auth modes; the caller registers `close`
 * right away. `bus` is the FakeBus created when the options gave none.
 */
export async function startAuthModeFixture(options: AuthModeFixtureOptions = {}): Promise<AuthModeFixture & { readonly bus: FakeBus }> {
  const bus = options.bus ?? createFakeBus();
  const auth = await startTestAuth<AuthBus>({ accessTokenTtlS: 600 }, { bus });
  const closers: (() => unknown)[] = [() => auth.close()];
  const { clock, cache } = auth;
  const port = Number(new URL(auth.url).port);
  const catalog = createFixedCatalog(buildCatalog([], { auth: [{ id: 'auth#1', host: '127.0.0.1', port }], ...options.services }));
  const recorded = recordTelemetry('gateway');
  const http = createHttpClient({ telemetry: recorded.telemetry, timeoutMs: 1000 });
  closers.push(() => http.close());
  const paths: string[] = [];
  const real = createServiceCaller(catalog, http, createTestTokenSource(createServiceCaller(catalog, http), 'gateway#1'));
  const caller: ServiceCaller = { call: (call: ServiceCall) => (paths.push(call.path), real.call(call)) as never };
  const config = parseGatewayConfig({ ...testGatewayEnv, TOPOLAB_UPSTREAM_TIMEOUT_MS: '1000', ...options.env });
  const deps: ModeDeps = { config, telemetry: recorded.telemetry, catalog, caller, http, bus, cache, clock: clock.now };
  let userId: string | undefined;
  return {
    auth,
    clock,
    cache,
    bus: bus as FakeBus,
    recorded,
    catalog,
    deps,
    mode(name) {
      const mode = createAuthMode(name, deps);
      closers.push(() => mode.close());
      return mode;
    },
    verifier: () => createAccessTokenVerifier({ caller, clock: clock.now, unavailable: (extras) => gatewayErrors.GATEWAY_AUTH_UNAVAILABLE(extras) }),
    async login() {
      userId ??= await registerVerified(auth);
      // Tokens are stamped in whole seconds: issue this one after whatever the test did before.
      clock.advance(1000);
      const pair = await logIn(auth);
      return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, userId };
    },
    logout: (accessToken) => logOut(auth, accessToken),
    calls: (path) => paths.filter((called) => called === path).length,
    events: () => recorded.events().map((event) => event.name),
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

import { logIn, logOut, registerVerified, startTestAuth, type TestAuth } from './auth.js';
import { createServiceCaller, type ServiceCall, type ServiceCaller } from '../src/kit/discovery/service-caller.js';
import { createHttpClient } from '../src/kit/http/client.js';
import { createTestTokenSource } from './kit-service-auth.js';
import { closeServer, listenOnLoopback, recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createIntrospection, type Introspection } from '../src/kit/token-cache/introspection.js';
import type { TokenCacheSettings } from '../src/kit/token-cache/settings.js';
import { buildCatalog, createFixedCatalog, type FixedCatalog } from './gateway.js';
import { createSidecarApp, type SidecarApp } from '../src/sidecar/app.js';
import { createAccessTokenVerifier } from '../src/kit/token-cache/access-token-verifier.js';
import { sidecarErrors } from '../src/sidecar/errors.js';

/** An in-process sidecar on a loopback address, over a real in-process auth with a fake bus and cache. */
export interface TestSidecar {
  readonly app: SidecarApp;
  readonly url: string;
  readonly auth: TestAuth;
  /** The catalog the sidecar finds auth in (empty it to make auth unreachable). */
  readonly catalog: FixedCatalog;
  readonly recorded: RecordedTelemetry;
  /** `POST /check { token }`. */
  check(token: string): Promise<{ status: number; body: any }>;
  /** Registers (once) and logs alice in. */
  login(): Promise<{ accessToken: string; userId: string }>;
  logout(accessToken: string): Promise<void>;
  /** How many calls the sidecar made to auth on `path`. */
  calls(path: string): number;
  /** Names of the sidecar's events so far. */
  events(): string[];
  close(): Promise<void>;
}

/** Options of startTestSidecar. */
export interface TestSidecarOptions {
  /** @default '127.0.9.1' */
  readonly host?: string;
  /** @default { authCacheTtlMs: 60000, authFallbackTtlMs: 1000 } */
  readonly settings?: TokenCacheSettings;
  /** Start following the bus at once. @default true */
  readonly start?: boolean;
  /** Wraps the sidecar's introspection (to make something happen while auth is being asked). @default none */
  readonly wrapIntrospection?: (real: Introspection) => Introspection;
}

/** Starts auth and a sidecar for a test; the caller registers `close` right away. */
export async function startTestSidecar(options: TestSidecarOptions = {}): Promise<TestSidecar> {
  const auth = await startTestAuth({ accessTokenTtlS: 600 });
  const catalog = createFixedCatalog(buildCatalog([], { auth: [{ id: 'auth#1', host: '127.0.0.1', port: Number(new URL(auth.url).port) }] }));
  const recorded = recordTelemetry('sidecar');
  const http = createHttpClient({ telemetry: recorded.telemetry, timeoutMs: 1000 });
  const paths: string[] = [];
  const real = createServiceCaller(catalog, http, createTestTokenSource(createServiceCaller(catalog, http), 'sidecar#1'));
  const caller: ServiceCaller = { call: (call: ServiceCall) => (paths.push(call.path), real.call(call)) as never };
  const introspection = createIntrospection({ caller, timeoutMs: 1000, afterCacheMiss: true });
  const app = createSidecarApp({
    bus: auth.bus,
    cache: auth.cache,
    verifier: createAccessTokenVerifier({ caller, timeoutMs: 1000, clock: auth.clock.now, unavailable: (extras) => sidecarErrors.SIDECAR_AUTH_UNAVAILABLE(extras) }),
    introspection: options.wrapIntrospection?.(introspection) ?? introspection,
    telemetry: recorded.telemetry,
    settings: options.settings ?? { authCacheTtlMs: 60_000, authFallbackTtlMs: 1000 },
    clock: auth.clock.now,
  });
  const { url } = await listenOnLoopback(app.server, options.host ?? '127.0.9.1');
  if (options.start ?? true) {
    app.start();
    await Promise.resolve();
  }
  let userId: string | undefined;
  return {
    app,
    url,
    auth,
    catalog,
    recorded,
    async check(token) {
      const res = await fetch(`${url}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      return { status: res.status, body: await res.json() };
    },
    async login() {
      userId ??= await registerVerified(auth);
      auth.clock.advance(1000);
      return { accessToken: (await logIn(auth)).accessToken, userId };
    },
    logout: (accessToken) => logOut(auth, accessToken),
    calls: (path) => paths.filter((called) => called === path).length,
    events: () => recorded.events().map((event) => event.name),
    async close() {
      app.close();
      await closeServer(app.server);
      http.close();
      await auth.close();
    },
  };
}

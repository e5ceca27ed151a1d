import { once } from 'node:events';
import { testDir } from '@topolab/test-support/files';
import { onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { serviceScopes } from '../src/contract/service-auth.js';
import { testClientKey } from './kit-service-auth.js';
import { createAuthApp, type AuthApp, type AuthAppConfig } from '../src/auth/app.js';
import { SmsSendError, type SmsMessage, type SmsSender } from '../src/auth/sms-sender.js';
import { openAuthStore, type AuthStore } from '../src/auth/store.js';
import type { AuthBus } from '../src/auth/token-events.js';
import { createAccessTokens, importSigningKey, type AccessTokens } from '../src/auth/tokens.js';
import { asUser, createTestIdentityVerifier, type TestAssertionOptions } from './kit-identity.js';
import { generateEd25519KeyPair, type PrivateJwk } from '../src/contract/signing-keys.js';
import { totpCode } from '../src/auth/totp.js';
import type { HashOptions } from '../src/auth/passwords.js';

import { closeAfterTest, recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createFakeBus, createFakeCache, type FakeBus, type FakeCache } from './kit-token-cache.js';

export { recordTelemetry, type RecordedTelemetry };

/**
 * The scrypt cost of the passwords test auths hash (N = 1024: 3 ms a hash instead of 40 ms):
 * login and registration tests are about the flows, not the cost. The production cost is
 * tested by passwords.test.ts and by registration.test.ts on an auth built without one.
 */
export const testPasswordCost: HashOptions = Object.freeze({ N: 1024 });

/** The signing key test auths share (the runtime hands every auth instance of a topology the same one). */
export const testSigningKey: PrivateJwk = generateEd25519KeyPair().privateJwk;

/** An SMS sender that keeps what it was asked to send, and can be made to fail. */
export interface RecordingSms extends SmsSender {
  readonly sent: SmsMessage[];
  /** When true, `send` rejects as if the SMS service were down (nothing is recorded). */
  failing: boolean;
  /** The code of the newest `otp` message to `phone`. */
  lastCode(phone: string): string;
}

/** Creates a RecordingSms. */
export function createRecordingSms(): RecordingSms {
  const sms: RecordingSms = {
    sent: [],
    failing: false,
    async send(message) {
      if (sms.failing) throw new SmsSendError('unreachable');
      sms.sent.push(message);
    },
    lastCode(phone) {
      const message = sms.sent.findLast((m) => m.to === phone && m.template === 'otp');
      if (!message?.fields.code) throw new Error(`No code was sent to ${phone}`);
      return message.fields.code;
    },
  };
  return sms;
}

/** A clock that moves only when told. */
export interface FakeClock {
  readonly now: () => number;
  advance(ms: number): void;
}

/** Creates a FakeClock starting at `start` (epoch ms). */
export function createFakeClock(start = Date.UTC(2030, 0, 1)): FakeClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

/** One HTTP answer, body parsed when it is JSON. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

/** An in-process auth on 127.0.0.1:0 over a database in its own temp dir. */
export interface TestAuth<B extends AuthBus = FakeBus> {
  readonly app: AuthApp;
  readonly url: string;
  readonly dir: string;
  readonly store: AuthStore;
  readonly tokens: AccessTokens;
  readonly sms: RecordingSms;
  readonly clock: FakeClock;
  /** Where auth publishes (a FakeBus unless the test passed its own). */
  readonly bus: B;
  /** Where auth writes token states (a FakeCache on the test's clock unless the test passed its own). */
  readonly cache: FakeCache;
  readonly recorded: RecordedTelemetry;
  /** Headers with a service token for `audience` and `scopes`, signed by this auth (client `test#1`). */
  serviceHeaders(audience: string, scopes: readonly string[]): Promise<Record<string, string>>;
  /** Headers naming `userId` as the gateway does (an identity assertion to auth, issued on this auth's clock). */
  asUser(userId: string, options?: TestAssertionOptions): Promise<Record<string, string>>;
  /**
   * Sends `body` as JSON (a string is sent as it is). A call to an internal route
   * (`/auth/introspect`, `/auth/internal/...`) carries a service token with every auth scope,
   * unless `headers` has an `authorization` of its own (`{ authorization: '' }` sends none).
   */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Closes the server and the database and removes the temp dir. */
  close(): Promise<void>;
}

/** Options of startTestAuth. */
export interface TestAuthOptions<B extends AuthBus = FakeBus> {
  /** A data dir another test instance already uses (it is then left in place on close). @default a new temp dir */
  readonly dir?: string;
  /** Shares one fake clock between instances. @default a new FakeClock */
  readonly clock?: FakeClock;
  /** Shares one bus between auth and its followers (a FakeBus, or a real bus client). @default a new FakeBus */
  readonly bus?: B;
  /** Shares one global cache between auth and its readers. @default a new FakeCache */
  readonly cache?: FakeCache;
  /** The scrypt cost of new password hashes; `{}` is auth's own (production) cost. @default testPasswordCost */
  readonly passwordCost?: HashOptions;
}

/** Opens auth's database in `dir` (a fresh temp folder unless given), closed when the test finishes. */
export function openTestAuthStore(dir: string = testDir('auth-store')): AuthStore {
  const store = openAuthStore(dir);
  onTestFinished(() => store.close());
  return store;
}

/** Two connections to one auth database, as two auth instances hold it. */
export function openSharedAuthStores(): [AuthStore, AuthStore] {
  const dir = testDir('auth-store');
  return [openTestAuthStore(dir), openTestAuthStore(dir)];
}

/**
 * Two auth instances over one database and one fake clock (`one.clock`), as the topology runs
 * its replicas, both closed when the test finishes.
 */
export async function startAuthReplicas(config: Partial<AuthAppConfig> = {}): Promise<{ one: TestAuth; two: TestAuth }> {
  const clock = createFakeClock();
  const one = await closeAfterTest(startTestAuth(config, { clock }));
  const two = await closeAfterTest(startTestAuth(config, { clock, dir: one.dir }));
  return { one, two };
}

/** Builds and starts auth for a test; the caller registers `close` right away. */
export async function startTestAuth<B extends AuthBus = FakeBus>(config: Partial<AuthAppConfig> = {}, options: TestAuthOptions<B> = {}): Promise<TestAuth<B>> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'topolab-auth-'));
  const store = openAuthStore(dir);
  const clock = options.clock ?? createFakeClock();
  const sms = createRecordingSms();
  // Without a bus of its own, B is the default FakeBus.
  const bus = options.bus ?? (createFakeBus() as AuthBus as B);
  const cache = options.cache ?? createFakeCache(clock.now);
  const recorded = recordTelemetry('auth');
  const tokens = await createAccessTokens({ store, signingKey: testSigningKey, clock: clock.now });
  const app = createAuthApp({
    store,
    sms,
    tokens,
    bus,
    cache,
    identity: createTestIdentityVerifier('auth', clock.now),
    clock: clock.now,
    telemetry: recorded.telemetry,
    passwordCost: options.passwordCost ?? testPasswordCost,
    config: { accessTokenTtlS: 900, refreshTokenTtlS: 2_592_000, clientKey: testClientKey, ...config },
  });
  app.server.listen(0, '127.0.0.1');
  await once(app.server, 'listening');
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const serviceHeaders = async (audience: string, scopes: readonly string[]) => {
    const iat = Math.floor(clock.now() / 1000);
    const token = await tokens.signService({ clientId: 'test#1', audience, scopes, jti: randomUUID(), iat, exp: iat + 300 });
    return { authorization: `Bearer ${token}` };
  };
  return {
    app,
    url,
    dir,
    store,
    tokens,
    sms,
    clock,
    bus,
    cache,
    recorded,
    serviceHeaders,
    asUser: (userId, assertion = {}) => asUser(userId, 'auth', { now: clock.now(), ...assertion }),
    async request(method, path, body, headers = {}) {
      // Internal routes get a service token with every auth scope unless the test sends its own authorization.
      if ((path.startsWith('/auth/introspect') || path.startsWith('/auth/internal')) && !('authorization' in headers)) {
        headers = { ...headers, ...(await serviceHeaders('auth', serviceScopes.auth)) };
      }
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const res = await fetch(url + path, {
        method,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await res.text();
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      return { status: res.status, headers: res.headers, text, body: isJson && text ? JSON.parse(text) : undefined };
    },
    async close() {
      app.close();
      if (app.server.listening) {
        const closed = once(app.server, 'close');
        app.server.close();
        app.server.closeAllConnections();
        await closed;
      }
      store.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs any token with auth's real key, for attacks the service must refuse. */
export async function signWithAuthKey(payload: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  const key = await importSigningKey(testSigningKey);
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid, ...header }).sign(key.privateKey);
}

/** A user a test registers. */
export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly phone: string;
  readonly firstName: string;
}

/** A valid registration. */
export const alice: TestUser = Object.freeze({ username: 'alice', password: 'Horse-battery-77', phone: '+447700900123', firstName: 'Alice' });
/** Another valid registration. */
export const bob: TestUser = Object.freeze({ username: 'bob.smith', password: 'Staple-copper-42', phone: '+447700900456', firstName: 'Bob' });

/** Registers and verifies `user`, failing loudly if a step does not answer as expected. */
export async function registerVerified(auth: TestAuth<AuthBus>, user: TestUser = alice): Promise<string> {
  const registered = await auth.request('POST', '/auth/register', user);
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${registered.text}`);
  const verified = await auth.request('POST', '/auth/verify', { username: user.username, code: auth.sms.lastCode(user.phone) });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}: ${verified.text}`);
  return registered.body.userId as string;
}

/** Logs `user` in with password and SMS code; returns the token pair. */
export async function logIn(
  auth: TestAuth<AuthBus>,
  user: TestUser = alice,
): Promise<{ tokenType: string; accessToken: string; expiresIn: number; refreshToken: string }> {
  const challenged = await auth.request('POST', '/auth/login', { username: user.username, password: user.password });
  if (challenged.status !== 202) throw new Error(`login answered ${challenged.status}: ${challenged.text}`);
  const pair = await auth.request('POST', '/auth/login/verify', { username: user.username, code: auth.sms.lastCode(user.phone) });
  if (pair.status !== 200) throw new Error(`login/verify answered ${pair.status}: ${pair.text}`);
  return pair.body;
}

/** Logs the session of `accessToken` out; throws unless auth answers 204. */
export async function logOut(auth: TestAuth<AuthBus>, accessToken: string): Promise<void> {
  const answer = await auth.request('POST', '/auth/logout', {}, { authorization: `Bearer ${accessToken}` });
  if (answer.status !== 204) throw new Error(`logout answered ${answer.status}: ${answer.text}`);
}

/**
 * Headers the gateway sends for a request with `accessToken` (one auth issued): an identity
 * assertion naming the token's user and jti, so auth can look up the token's login time.
 */
export async function asTokenHolder(auth: TestAuth<AuthBus>, accessToken: string): Promise<Record<string, string>> {
  const { sub, jti, exp } = decodeJwt(accessToken);
  return auth.asUser(sub!, { tokenJti: jti!, tokenExp: exp! });
}

/**
 * Enrols and confirms an authenticator for `userId` with the code of the clock's now, sending
 * `password` (alice's by default) as re-authentication; returns its secret and the recovery
 * codes. That step is then used: advance the clock a step before the next code.
 */
export async function enableTotpWithCodes(auth: TestAuth<AuthBus>, userId: string, password = alice.password): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrolled = await auth.request('POST', '/auth/totp/enroll', { password }, await auth.asUser(userId));
  if (enrolled.status !== 201) throw new Error(`totp/enroll answered ${enrolled.status}: ${enrolled.text}`);
  const secret = enrolled.body.secret as string;
  const confirmed = await auth.request('POST', '/auth/totp/confirm', { code: totpCode(secret, auth.clock.now()), password }, await auth.asUser(userId));
  if (confirmed.status !== 200) throw new Error(`totp/confirm answered ${confirmed.status}: ${confirmed.text}`);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes };
}

/** enableTotpWithCodes, for the secret only. */
export async function enableTotp(auth: TestAuth<AuthBus>, userId: string, password = alice.password): Promise<string> {
  return (await enableTotpWithCodes(auth, userId, password)).secret;
}

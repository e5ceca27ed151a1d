import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBackends, servicesWith, type Catalog } from '@topolab/services/contract';
import { expect, vi } from 'vitest';
import { createGatewayClient, hopsOf, readPhone, sendHttpRequest, startTopology, type GatewayClient, type GatewayRequest, type GatewayResponse, type Hop, type Topology, type TopologyEvent, type TopologyOptions } from '../src/index.js';
import { extractCode } from '../src/demo/index.js';
import { killLeftovers } from './helpers.js';

assertServicesBuilt();

/**
 * Throws unless the real services are compiled (packages/services/dist/<name>/main.js). Called
 * when this module loads: an e2e suite without them fails, since a skipped one reads as a pass.
 */
export function assertServicesBuilt(): void {
  const missing = servicesWith(defaultBackends).find((spec) => !existsSync(spec.entry));
  if (missing) throw new Error(`The services are not built (${missing.entry} is missing): run \`npx --yes pnpm@10 build\` before the e2e tests.`);
}

/**
 * Every password, one-time code and token the helpers of this module handled. Each test file
 * runs in its own worker, so this is per file: leak checks search the logs for these.
 */
export const handledSecrets = new Set<string>();

/** A started topology of the real services, in its own temp dir. */
export interface RealTopology {
  readonly topology: Topology;
  /** A gateway client for `topology.gatewayUrl`. */
  readonly gateway: GatewayClient;
  readonly dataDir: string;
  /** Stops the topology, kills anything left, removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

// Tests send from one address far faster than a person; the limiter has its own tests.
const limitsOff = { rateLimitRps: 0, blacklistThreshold: 0 };

/**
 * Starts the real topology in a fresh temp dir on gateway port 0, with the gateway's rate
 * limiter and blacklist off unless `limits` says otherwise. Register `stop` as the cleanup on the
 * next line (`afterAll(() => real?.stop())`, or return it from `beforeAll`).
 */
export async function startRealTopology(options: Omit<TopologyOptions, 'dataDir'> & { readonly prefix?: string } = {}): Promise<RealTopology> {
  const { prefix = 'real', onEvent, ...rest } = options;
  const dataDir = mkdtempSync(join(tmpdir(), `topolab-${prefix}-`));
  const pids = new Set<number>();
  let topology: Topology;
  try {
    topology = await startTopology({
      gatewayPort: 0,
      ...rest,
      limits: { ...limitsOff, ...rest.limits },
      dataDir,
      onEvent: (event) => {
        if (event.type === 'instance.state' && event.pid) pids.add(event.pid);
        onEvent?.(event);
      },
    });
  } catch (error) {
    killLeftovers([...pids]);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const gateway = createGatewayClient(topology.gatewayUrl);
  let stopping: Promise<void> | undefined;
  return {
    topology,
    gateway,
    dataDir,
    stop: () =>
      (stopping ??= (async () => {
        gateway.close();
        try {
          await topology.stop();
        } finally {
          killLeftovers([...pids]);
          rmSync(dataDir, { recursive: true, force: true });
        }
      })()),
  };
}

let phoneCounter = 0;

/** A phone number (E.164, +1 555 01xx xxxx: fictional) no other user of this file has. */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `+1555010${String(phoneCounter).padStart(4, '0')}`;
}

/** A fresh valid username. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A password the policy accepts (letters, digits, 20+ characters), remembered in handledSecrets. */
export function strongPassword(): string {
  const password = `Pw-${randomBytes(9).toString('base64url')}-42`;
  handledSecrets.add(password);
  return password;
}

/** The error code of an error body (`{ error: { code } }`), or undefined. */
export function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | undefined)?.error?.code;
}

/** Which code an SMS carries: the text says `your topolab <purpose> code is 123456`. */
export type CodePurpose = 'registration' | 'login';

/**
 * Runs `action` and returns its result with the one-time code of `purpose` that reached
 * `phone` because of it (the first code message not on the phone before). Fails after 5 s.
 */
export async function withNextCode<T>(topology: Topology, phone: string, purpose: CodePurpose, action: () => Promise<T>): Promise<{ result: T; code: string }> {
  const before = new Set((await readPhone(topology, { to: phone })).map((message) => message.id));
  const result = await action();
  let code: string | undefined;
  await vi.waitFor(
    async () => {
      const messages = await readPhone(topology, { to: phone });
      const fresh = messages.find((message) => !before.has(message.id) && message.type === 'otp' && message.text.includes(`${purpose} code`));
      code = fresh ? extractCode(fresh.text) : undefined;
      // Say how the action was answered: a code that never came is often a request that failed.
      expect(code, `a ${purpose} code on ${phone} (the request answered ${JSON.stringify((result as { status?: unknown; body?: unknown })?.status)} ${JSON.stringify((result as { body?: unknown })?.body ?? null).slice(0, 200)})`).toBeDefined();
    },
    { timeout: 5000, interval: 10 },
  );
  handledSecrets.add(code!);
  return { result, code: code! };
}

/** A user that went through the whole sign-up, with its first token pair. */
export interface SignedUpUser {
  readonly userId: string;
  readonly username: string;
  readonly password: string;
  readonly phone: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Registers through the gateway, verifies with the SMS code, logs in and completes the
 * second factor with the next SMS code. Fails the test at the first unexpected status.
 */
export async function signUp(topology: Topology, gateway: GatewayClient, options: { readonly username?: string } = {}): Promise<SignedUpUser> {
  const username = options.username ?? uniqueUsername();
  const password = strongPassword();
  const phone = uniquePhone();
  const registered = await withNextCode(topology, phone, 'registration', () =>
    gateway.request<{ userId: string }>({ method: 'POST', path: '/auth/register', body: { username, password, phone, firstName: 'Test' } }),
  );
  expect(registered.result.status, 'register').toBe(201);
  const verified = await gateway.request({ method: 'POST', path: '/auth/verify', body: { username, code: registered.code } });
  expect(verified.status, 'verify').toBe(200);
  const tokens = await logIn(topology, gateway, { username, password, phone });
  return { userId: registered.result.body.userId, username, password, phone, ...tokens };
}

/** Both login factors for a verified user; returns the new token pair. */
export async function logIn(
  topology: Topology,
  gateway: GatewayClient,
  user: { readonly username: string; readonly password: string; readonly phone: string },
): Promise<{ accessToken: string; refreshToken: string }> {
  const { username, password, phone } = user;
  const login = await withNextCode(topology, phone, 'login', () => gateway.request({ method: 'POST', path: '/auth/login', body: { username, password } }));
  expect(login.result.status, 'login').toBe(202);
  const pair = await gateway.request<{ accessToken: string; refreshToken: string }>({ method: 'POST', path: '/auth/login/verify', body: { username, code: login.code } });
  expect(pair.status, 'login/verify').toBe(200);
  handledSecrets.add(pair.body.accessToken);
  handledSecrets.add(pair.body.refreshToken);
  return { accessToken: pair.body.accessToken, refreshToken: pair.body.refreshToken };
}

/** An answer read without the gateway client's JSON encoding. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON, else the text. */
  readonly body: unknown;
}

/** One request with a body sent byte for byte (malformed JSON, oversize bodies); `chunked` omits Content-Length. */
export function sendRaw(baseUrl: string, request: { method: string; path: string; body: string | Buffer; headers?: Record<string, string>; chunked?: boolean }): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
  const headers: Record<string, string> = { 'content-type': 'application/json', connection: 'close', ...request.headers };
  if (!request.chunked) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: false, timeout: 10_000 }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseText(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path} timed out`)));
    // A server that answers early (413) may close before the whole body is written.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (request.chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Writes `head` (request line and headers, CRLF-separated) on a plain TCP socket: nothing normalises the path. */
export function sendOnSocket(baseUrl: string, head: string): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer on the raw socket')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(lines[0]?.split(' ')[1]), headers, body: parseText(text.slice(split + 4)) });
    });
    socket.write(head.endsWith('\r\n\r\n') ? head : `${head}\r\n\r\n`);
  });
}

function parseText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One gateway client per running gateway (`topology.gatewayUrls`), by index; close them before stopping. */
export function createGatewayClients(topology: Topology): GatewayClient[] {
  return topology.gatewayUrls.map((url) => createGatewayClient(url));
}

/** Status and error code of `request` sent to each gateway (concurrently), in gateway order. */
export function answersOn(gateways: readonly GatewayClient[], request: GatewayRequest): Promise<[number, string | undefined][]> {
  return Promise.all(gateways.map(async (gateway) => {
    const answer = await gateway.request(request);
    return [answer.status, errorCode(answer.body)] as [number, string | undefined];
  }));
}

/** signUp, then `POST /profile` through the same gateway (201 or the test fails). */
export async function signUpWithProfile(topology: Topology, gateway: GatewayClient, displayName = 'Test'): Promise<SignedUpUser> {
  const user = await signUp(topology, gateway);
  const created = await gateway.request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName } });
  expect([created.status, errorCode(created.body)], 'POST /profile').toEqual([201, undefined]);
  return user;
}

/** Every instance id the registry's catalog lists now (any service). */
export async function catalogInstanceIds(topology: Topology): Promise<Set<string>> {
  const answer = await sendHttpRequest({ url: `${topology.registryUrl}/v1/catalog`, timeoutMs: 2000 });
  expect(answer.status, 'GET /v1/catalog').toBe(200);
  return new Set(Object.values((answer.body as Catalog).services).flatMap((records) => records.map((record) => record.instanceId)));
}

/** The server hops of a gateway request's trace received so far (spans arrive from each process on its own). */
export function hopsOfResponse(topology: Topology, response: Pick<GatewayResponse, 'traceId'>): Hop[] {
  return hopsOf(topology.traces.spansOf(response.traceId));
}

/**
 * W3C Trace Context §3.2.2.5: a caller that clears the sampled flag gets its request served and
 * no span recorded by any hop. Sends GET `path` with `traceparent: 00-<trace>-<span>-00`, then
 * the same request sampled; once the sampled one's `hops` server hops all arrived (they left
 * every instance after the unsampled ones), the unsampled trace must have none.
 */
export async function expectUnsampledRequestUnrecorded(topology: Topology, gateway: GatewayClient, token: string, path: string, hops: number): Promise<void> {
  const traceId = randomBytes(16).toString('hex');
  const unsampled = await sendHttpRequest({
    url: `${gateway.baseUrl}${path}`,
    headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` },
    timeoutMs: 5000,
  });
  expect(unsampled.status, `GET ${path} unsampled`).toBe(200);
  const sampled = await gateway.request({ method: 'GET', path, token });
  expect(sampled.status, `GET ${path} sampled`).toBe(200);
  await vi.waitFor(() => expect(hopsOfResponse(topology, sampled).length >= hops, `the ${hops} hops of the sampled request`).toBeTruthy(), { timeout: 3000, interval: 10 });
  expect(topology.traces.spansOf(traceId), 'spans of the unsampled trace').toEqual([]);
}

/** A domain event (`type: 'event'`) as an event log keeps it. */
export interface RecordedDomainEvent {
  readonly instanceId: string;
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Its position in the log: compare with `mark()`. */
  readonly seq: number;
}

/** Records a topology's domain events and crashes; pass `listener` as the `onEvent` option. */
export interface EventLog {
  readonly listener: (event: TopologyEvent) => void;
  /** The position of the next event: events recorded from now on have `seq >= mark()`. */
  mark(): number;
  /** The domain events named `name` recorded at or after `since` (all by default). */
  named(name: string, since?: number): RecordedDomainEvent[];
  /** The ids of the instances that crashed (`instance.crashed`) at or after `since`. */
  crashed(since?: number): string[];
  /** Waits until an event `name` from each of `instanceIds` was recorded at or after `since`; returns them by instance. */
  waitForEach(name: string, instanceIds: readonly string[], options: { readonly since: number; readonly timeoutMs: number }): Promise<Map<string, RecordedDomainEvent>>;
}

/** Creates an empty event log. */
export function createEventLog(): EventLog {
  const events: RecordedDomainEvent[] = [];
  const crashes: { instanceId: string; seq: number }[] = [];
  let seq = 0;
  const named = (name: string, since = 0) => events.filter((event) => event.name === name && event.seq >= since);
  return {
    listener(event) {
      if (event.type === 'event') events.push({ instanceId: event.instanceId, name: event.name, data: event.data, seq: seq++ });
      if (event.type === 'instance.crashed') crashes.push({ instanceId: event.instanceId, seq: seq++ });
    },
    mark: () => seq,
    named,
    crashed: (since = 0) => crashes.filter((crash) => crash.seq >= since).map((crash) => crash.instanceId),
    async waitForEach(name, instanceIds, { since, timeoutMs }) {
      const found = new Map<string, RecordedDomainEvent>();
      await vi.waitFor(
        () => {
          for (const event of named(name, since)) if (instanceIds.includes(event.instanceId) && !found.has(event.instanceId)) found.set(event.instanceId, event);
          expect(found.size, `${name} from ${instanceIds.join(', ')}`).toBe(instanceIds.length);
        },
        { timeout: timeoutMs, interval: 10 },
      );
      return found;
    },
  };
}

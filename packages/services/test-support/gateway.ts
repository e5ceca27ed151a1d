import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { IdentityClaims } from '../src/contract/identity.js';
import type { Catalog, RouteEntry } from '../src/contract/registry-api.js';
import type { CatalogCache, CatalogListener } from '../src/kit/discovery/catalog-cache.js';
import { matchRoute } from '../src/kit/discovery/route-match.js';
import { createServiceCaller } from '../src/kit/discovery/service-caller.js';
import { createHttpClient } from '../src/kit/http/client.js';
import { errorCode, recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createGatewayApp, type GatewayAppConfig } from '../src/gateway/app.js';
import type { AuthMode } from '../src/gateway/auth/auth-mode.js';
import { createRemoteAuth } from '../src/gateway/auth/remote-auth.js';
import { createClientDiscovery } from '../src/gateway/discovery/client-discovery.js';
import type { DiscoveryMode } from '../src/gateway/discovery/discovery-mode.js';
import type { Limits } from '../src/gateway/limits/limits.js';
import { createModes, type Modes } from '../src/gateway/modes.js';
import { envNames } from '../src/contract/env.js';
import { readRequestIdentity } from '../src/kit/identity/identity-verifier.js';
import { readClaimsUnverified } from '../src/contract/jwt-claims.js';
import { createTestIdentityVerifier, testIdentityKey } from './kit-identity.js';
import { createIdentityMinter } from '../src/gateway/identity-minter.js';

/** A catalog cache holding a fixed catalog that a test replaces with `set`. */
export interface FixedCatalog extends CatalogCache {
  set(catalog: Catalog | undefined): void;
}

/** Creates a catalog cache over a fixed catalog (no registry). */
export function createFixedCatalog(initial: Catalog | undefined): FixedCatalog {
  let current = initial;
  const listeners = new Set<CatalogListener>();
  return {
    start: async () => undefined,
    get current() {
      return current;
    },
    instances: (service) => current?.services[service] ?? [],
    route: (path) => (current ? matchRoute(current.routes, path) : undefined),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watching: false,
    stop: () => undefined,
    set(next) {
      current = next;
      if (next) for (const listener of listeners) listener(next, undefined);
    },
  };
}

/** Where one instance listens, for buildCatalog. */
export interface TestInstance {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** Builds a catalog from routes and instances per service. */
export function buildCatalog(routes: readonly RouteEntry[], services: Readonly<Record<string, readonly TestInstance[]>>, version = 1): Catalog {
  const entries = Object.entries(services).map(([service, instances]) => [
    service,
    instances.map((instance) => ({ service, instanceId: instance.id, host: instance.host, port: instance.port, registeredAt: 0, lastHeartbeat: 0 })),
  ]);
  return { epoch: 'test', version, routes: [...routes].sort((a, b) => b.prefix.length - a.prefix.length), services: Object.fromEntries(entries) };
}

/** What an echo upstream saw of one request. */
export interface EchoRecord {
  readonly instance: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A test server on a loopback address; close it in cleanup. */
export interface TestServer extends TestInstance {
  readonly requests: EchoRecord[];
  close(): Promise<void>;
}

/** Starts a server on `host`, port 0, answering with `handler` after reading the body. */
export async function startTestServer(id: string, host: string, handler: (record: EchoRecord, res: ServerResponse) => void): Promise<TestServer> {
  const requests: EchoRecord[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record = { instance: id, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(record);
      handler(record, res);
    });
  });
  const { port } = await listen(server, host);
  return { id, host, port, requests, close: () => closeServer(server) };
}

/** An upstream that answers every request with what it saw, as JSON. */
export function startEchoUpstream(id: string, host: string): Promise<TestServer> {
  return startTestServer(id, host, answerEcho);
}

function answerEcho(record: EchoRecord, res: ServerResponse): void {
  const payload = JSON.stringify(record);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
}

/** An upstream that reads the request and never answers. */
export function startSilentUpstream(id: string, host: string): Promise<TestServer> {
  return startTestServer(id, host, () => undefined);
}

/** A fake auth instance: `POST /auth/introspect { token }` → active for the known tokens (token → user id); other paths echo. */
export function startFakeAuth(id: string, host: string, tokens: Readonly<Record<string, string>>): Promise<TestServer> {
  return startTestServer(id, host, (record, res) => {
    if (record.url !== '/auth/introspect') return answerEcho(record, res);
    const token = (JSON.parse(record.body || '{}') as { token?: string }).token ?? '';
    const sub = tokens[token];
    // A JWT-shaped token keeps its own jti and exp, as auth answers them (RFC 7662); an opaque one gets j1.
    const claims = readClaimsUnverified(token) ?? {};
    const jti = typeof claims.jti === 'string' ? claims.jti : 'j1';
    const exp = typeof claims.exp === 'number' ? claims.exp : 4_000_000_000;
    const payload = JSON.stringify(sub ? { active: true, sub, username: sub, jti, exp } : { active: false });
    res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
  });
}

/** A port on `host` where nobody listens (a server bound it, then closed). */
export async function closedPort(host: string): Promise<number> {
  const server = createServer();
  const { port } = await listen(server, host);
  await closeServer(server);
  return port;
}

/** The variables a gateway's config needs besides the defaults: its identity key (the one in-process tests sign with). */
export const testGatewayKeyEnv: Readonly<Record<string, string>> = Object.freeze({ [envNames.identityKey]: JSON.stringify(testIdentityKey.privateJwk) });

/** The environment of gateway#1 with nothing but the defaults and the identity key, for config tests. */
export const testGatewayEnv: Readonly<Record<string, string>> = Object.freeze({ ...testGatewayKeyEnv, TOPOLAB_SERVICE: 'gateway', TOPOLAB_INSTANCE_ID: 'gateway#1' });

/**
 * The user an upstream was named in the gateway's identity assertion, verified as the service
 * would verify it (`audience` its name); undefined when the request carried none that verifies.
 */
export async function assertedUser(record: Pick<EchoRecord, 'headers'>, audience: string): Promise<string | undefined> {
  return (await assertedIdentity(record.headers, audience))?.sub;
}

/** The claims of the identity assertion among `headers`, verified for `audience`; undefined without one that verifies. */
export async function assertedIdentity(headers: IncomingHttpHeaders, audience: string): Promise<IdentityClaims | undefined> {
  const identity = await readRequestIdentity(headers, createTestIdentityVerifier(audience));
  return identity.kind === 'verified' ? identity.claims : undefined;
}

/** Options of startTestGateway. */
export interface TestGatewayOptions {
  readonly catalog: CatalogCache;
  readonly config?: Partial<GatewayAppConfig>;
  /** @default remote auth through `catalog` */
  readonly auth?: AuthMode;
  /** @default client discovery over `catalog` */
  readonly discovery?: DiscoveryMode;
  /** @default limits built from `config` (the default settings) */
  readonly limits?: Limits;
}

/** A gateway built in-process, listening on 127.0.0.1 on an OS-assigned port, with the spans and events it recorded so far. */
export interface TestGateway extends Pick<RecordedTelemetry, 'spans' | 'events'> {
  readonly port: number;
  readonly modes: Modes;
  close(): Promise<void>;
}

/** Builds and starts a gateway (client discovery over `catalog` unless told otherwise); the caller registers `close` right away. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const recorded = recordTelemetry('gateway', { level: 'error' });
  const http = createHttpClient({ telemetry: recorded.telemetry, timeoutMs: 1000 });
  const auth = options.auth ?? createRemoteAuth({ caller: createServiceCaller(options.catalog, http), timeoutMs: 1000 });
  const modes = createModes({ discovery: options.discovery ?? createClientDiscovery({ catalog: options.catalog }), auth });
  const config: GatewayAppConfig = { bodyLimit: 1024 * 1024, upstreamTimeoutMs: 2000, ...options.config };
  const identity = createIdentityMinter({ privateKey: testIdentityKey.privateJwk });
  const server = createGatewayApp({ config, telemetry: recorded.telemetry, catalog: options.catalog, modes, identity, ...(options.limits ? { limits: options.limits } : {}) });
  const { port } = await listen(server, '127.0.0.1');
  return {
    port,
    modes,
    spans: recorded.spans,
    events: recorded.events,
    async close() {
      modes.current().discovery.close();
      http.close();
      await closeServer(server);
    },
  };
}

/** An answer as a test sees it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** Options of send. */
export interface SendOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The client socket's source address. */
  readonly localAddress?: string;
}

/** Sends one request (no keep-alive) and reads the answer, parsing JSON bodies. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes on a fresh socket (HTTP clients normalise paths) and reads until the gateway closes. */
export function rawRequest(port: number, text: string): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(text, 'latin1')));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseRawResponse(Buffer.concat(chunks).toString('latin1'))));
  });
}

export { errorCode };

/** What a counting upstream saw of one request body. */
export interface BodyCount {
  readonly url: string;
  /** Body bytes received so far. */
  bytes: number;
  /** The whole body arrived (`end`). */
  complete: boolean;
  /** The request is over: answered, or cut off by the sender. */
  closed: boolean;
}

/** An upstream that counts the body bytes of each request (never keeping them) and answers `status` once a body is complete. */
export interface CountingUpstream extends TestInstance {
  readonly bodies: BodyCount[];
  close(): Promise<void>;
}

/** Starts a CountingUpstream on `host`, port 0, answering `{ instance, bytes }` with `status` (200 by default). */
export async function startCountingUpstream(id: string, host: string, status = 200): Promise<CountingUpstream> {
  const bodies: BodyCount[] = [];
  const server = createServer((req, res) => {
    const count: BodyCount = { url: req.url ?? '', bytes: 0, complete: false, closed: false };
    bodies.push(count);
    req.on('data', (chunk: Buffer) => (count.bytes += chunk.length));
    req.on('error', () => undefined);
    req.on('close', () => (count.closed = true));
    req.on('end', () => {
      count.complete = true;
      const payload = JSON.stringify({ instance: id, bytes: count.bytes });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
    });
  });
  const { port } = await listen(server, host);
  return { id, host, port, bodies, close: () => closeServer(server) };
}

/** The routes of the chunked-body tests: `/auth/register` takes at most 1 MiB, the rest of `/auth` the server's limit. */
export const chunkedLimitRoutes: readonly RouteEntry[] = Object.freeze([
  { prefix: '/auth', access: 'public', service: 'auth' },
  { prefix: '/auth/register', access: 'public', service: 'auth', bodyLimit: 1024 * 1024 },
] satisfies RouteEntry[]);

/** How a client saw a refusal end, for one `toEqual`: a clean one is `{ status: 413, code, connection: 'close', serverClosed: true, error: undefined }`. */
export function refusalOf(upload: ChunkedUpload): { status: number; code: unknown; connection: unknown; serverClosed: boolean; error: string | undefined } {
  return { status: upload.response.status, code: errorCode(upload.response), connection: upload.response.headers.connection, serverClosed: upload.serverClosed, error: upload.error };
}

/** A clean refusal (413 unless `status` says otherwise) of `code` as refusalOf shows it: the whole answer, Connection: close, the server's FIN, no reset. */
export const cleanRefusal = (code: string, status = 413) => ({ status, code, connection: 'close', serverClosed: true, error: undefined });

/** How a raw chunked upload ended, as the client saw it. */
export interface ChunkedUpload {
  readonly response: TestResponse;
  /** The server closed its side (a FIN) after answering. */
  readonly serverClosed: boolean;
  /** A socket error the client saw (ECONNRESET, EPIPE), if any. */
  readonly error: string | undefined;
}

/**
 * Uploads `totalBytes` with `Transfer-Encoding: chunked` (no Content-Length) on a fresh
 * keep-alive socket, writing as fast as the socket takes it, and reads until the server
 * closes (send `close` when a kept-alive answer is expected). With `expectContinue` it sends
 * `Expect: 100-continue` and waits for the invitation. With `stall` it sends `totalBytes` and
 * then nothing (no last chunk) until the server closes; with `paceMs` it waits that long before
 * each chunk after the first (a slow but live client). With `declaredLength` it sends
 * `Content-Length` and the bytes unframed instead.
 */
export function uploadChunked(
  port: number,
  path: string,
  totalBytes: number,
  options: { method?: string; chunkBytes?: number; expectContinue?: boolean; close?: boolean; stall?: boolean; paceMs?: number; declaredLength?: number } = {},
): Promise<ChunkedUpload> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const declared = options.declaredLength;
  const data = Buffer.alloc(chunkBytes, 0x78);
  const frame = declared === undefined ? Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
  const framing = declared === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let serverClosed = false;
    let error: string | undefined;
    let invited = !options.expectContinue;
    const last = () => {
      if (!options.stall && declared === undefined) socket.write('0\r\n\r\n');
    };
    const sendBody = () => {
      if (options.paceMs === undefined) {
        for (let sent = 0; sent < totalBytes; sent += chunkBytes) socket.write(frame);
        return last();
      }
      let sent = 0;
      const next = () => {
        if (socket.destroyed) return;
        if (sent >= totalBytes) return last();
        socket.write(frame);
        sent += chunkBytes;
        setTimeout(next, options.paceMs);
      };
      next();
    };
    const socket = connect(port, '127.0.0.1', () => {
      const expect = (options.expectContinue ? 'Expect: 100-continue\r\n' : '') + (options.close ? 'Connection: close\r\n' : '');
      socket.write(`${options.method ?? 'POST'} ${path} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n${framing}\r\n${expect}\r\n`);
      if (invited) sendBody();
    });
    socket.on('data', (chunk: Buffer) => {
      if (!invited) {
        const text = chunk.toString('latin1');
        if (text.startsWith('HTTP/1.1 100 ')) {
          invited = true;
          const rest = chunk.subarray(text.indexOf('\r\n\r\n') + 4);
          if (rest.length > 0) chunks.push(rest);
          sendBody();
          return;
        }
      }
      chunks.push(chunk);
    });
    socket.on('end', () => (serverClosed = true));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => resolve({ response: parseRawResponse(Buffer.concat(chunks).toString('latin1')), serverClosed, error }));
  });
}

function parseRawResponse(text: string): TestResponse {
  const headEnd = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, headEnd === -1 ? text.length : headEnd).split('\r\n');
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = headEnd === -1 ? '' : text.slice(headEnd + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? unchunk(rest) : rest;
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: parseBody(body) };
}

function unchunk(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function listen(server: Server, host: string): Promise<AddressInfo> {
  server.listen(0, host);
  await once(server, 'listening');
  return server.address() as AddressInfo;
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}

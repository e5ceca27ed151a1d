import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { runtimeError } from '../errors/error-codes.js';
import { createTraceparent } from './traceparent.js';

/** Options of connectWebSocket. */
export interface WebSocketClientOptions {
  /** `ws://127.0.0.1:8080/chat/ws` or `wss://www.topolab.test:8443/chat/ws`. */
  readonly url: string | URL;
  /** Access token for the handshake. */
  readonly token?: string;
  /**
   * How the token travels: `header` (`Authorization: Bearer`, as Node clients send it) or
   * `subprotocol` (`Sec-WebSocket-Protocol: bearer, <token>`, the only way a browser can). @default 'header'
   */
  readonly tokenVia?: 'header' | 'subprotocol';
  /** CA certificate (PEM) to trust for `wss:`. @default the system's */
  readonly ca?: string;
  /** TLS server name (SNI, and the name the certificate must carry). @default the URL's host */
  readonly servername?: string;
  /** Resolves the URL's host name (the topology's DNS). @default the system's resolver */
  readonly lookup?: LookupFunction;
  /** More handshake headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long the handshake may take. @default 5000 */
  readonly timeoutMs?: number;
}

/** How a socket closed. */
export interface WebSocketClose {
  readonly code: number;
  readonly reason: string;
}

/** Options of `next`. */
export interface NextFrameOptions {
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** What is awaited, for the error (`a message from chat#2`). */
  readonly description?: string;
}

/** An open WebSocket whose JSON frames can be awaited. */
export interface WebSocketClient {
  readonly url: string;
  /** The trace the handshake started (to find its hops). */
  readonly traceId: string;
  /** The span id this client put in `traceparent`. */
  readonly spanId: string;
  /** Wall time of the handshake. */
  readonly handshakeMs: number;
  /** The subprotocol the server chose ('' for none). */
  readonly protocol: string;
  /** Every frame received so far, in order (parsed JSON, else the text). */
  readonly received: readonly unknown[];
  /** Sends a frame: a string or Buffer as is (text, or binary for a Buffer), anything else as JSON text. */
  send(frame: unknown): void;
  /**
   * The first frame not yet taken that `matches` (any frame without a predicate), waiting for
   * it; the frame is taken, so the next call looks further. CLIENT_WEBSOCKET_TIMEOUT after
   * `timeoutMs`, CLIENT_WEBSOCKET_CLOSED when the socket closes first.
   */
  next<T = unknown>(matches?: (frame: unknown) => boolean, options?: NextFrameOptions): Promise<T>;
  /** Calls `listener` with every frame as it arrives, and the `performance.now()` of its arrival; answers the unsubscribe. */
  onFrame(listener: (frame: unknown, receivedAt: number) => void): () => void;
  /** Resolves when the socket closed, with the code and reason the server (or this client) sent. */
  readonly closed: Promise<WebSocketClose>;
  /** Closes (1000 by default) and resolves once the socket closed. */
  close(code?: number, reason?: string): Promise<WebSocketClose>;
}

/**
 * Opens a WebSocket (the `ws` client) and resolves once the handshake switched protocols. A
 * refused handshake rejects with CLIENT_WEBSOCKET_REFUSED and the answer's status and error
 * code in `details`; an unreachable server with CLIENT_UNREACHABLE; a slow one with CLIENT_TIMEOUT.
 */
export async function connectWebSocket(options: WebSocketClientOptions): Promise<WebSocketClient> {
  // Loaded on the first socket: only the chat scenarios open one, not every CLI start.
  const { default: WebSocket } = await import('ws');
  const url = String(options.url);
  const trace = createTraceparent();
  const headers: Record<string, string> = { ...options.headers, traceparent: trace.header };
  const viaSubprotocol = options.tokenVia === 'subprotocol' && options.token !== undefined;
  if (options.token !== undefined && !viaSubprotocol) headers.authorization = `Bearer ${options.token}`;
  const started = performance.now();
  const socket = new WebSocket(url, viaSubprotocol ? ['bearer', options.token!] : [], {
    headers,
    handshakeTimeout: options.timeoutMs ?? 5000,
    perMessageDeflate: false,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.servername ? { servername: options.servername } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  const received: unknown[] = [];
  const pending: unknown[] = [];
  const waiters = new Set<{ matches: (frame: unknown) => boolean; take: (frame: unknown) => void; fail: (close: WebSocketClose) => void }>();
  let closeInfo: WebSocketClose | undefined;
  const closed = new Promise<WebSocketClose>((resolve) => {
    socket.once('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString('utf8') };
      for (const waiter of waiters) waiter.fail(closeInfo);
      waiters.clear();
      resolve(closeInfo);
    });
  });

  const listeners = new Set<(frame: unknown, receivedAt: number) => void>();
  socket.on('message', (data, isBinary) => {
    const receivedAt = performance.now();
    const frame = parseFrame(data, isBinary);
    received.push(frame);
    for (const listener of listeners) listener(frame, receivedAt);
    for (const waiter of waiters) {
      if (!waiter.matches(frame)) continue;
      waiters.delete(waiter);
      return waiter.take(frame);
    }
    pending.push(frame);
  });

  const client: WebSocketClient = {
    url,
    traceId: trace.traceId,
    spanId: trace.spanId,
    handshakeMs: 0,
    get protocol() {
      return socket.protocol;
    },
    received,
    send(frame) {
      socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    },
    next<T>(matches: (frame: unknown) => boolean = () => true, nextOptions: NextFrameOptions = {}): Promise<T> {
      const at = pending.findIndex(matches);
      if (at !== -1) return Promise.resolve(pending.splice(at, 1)[0] as T);
      const what = nextOptions.description ?? 'a frame';
      if (closeInfo) return Promise.reject(closedError(what, closeInfo));
      const timeoutMs = nextOptions.timeoutMs ?? 5000;
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          matches,
          take: (frame: unknown) => {
            clearTimeout(timer);
            resolve(frame as T);
          },
          fail: (close: WebSocketClose) => {
            clearTimeout(timer);
            reject(closedError(what, close));
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            runtimeError('CLIENT_WEBSOCKET_TIMEOUT', {
              message: `No WebSocket frame as awaited (${what}) arrived within ${timeoutMs} ms; ${received.length} frame(s) received: ${describeFrames(received)}.`,
              details: { received: received.length },
            }),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    closed,
    close(code = 1000, reason = '') {
      if (!closeInfo && socket.readyState !== socket.CLOSED) socket.close(code, reason);
      return closed;
    },
  };

  return new Promise<WebSocketClient>((resolve, reject) => {
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(Object.assign(client, { handshakeMs: performance.now() - started }));
    });
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      readBody(res).then((body) => {
        const code = errorCodeOf(body);
        socket.terminate();
        reject(
          runtimeError('CLIENT_WEBSOCKET_REFUSED', {
            message: `The WebSocket handshake to ${redactUrl(url)} was answered ${res.statusCode}${code ? ` ${code}` : ''}.`,
            details: { status: res.statusCode ?? 0, code, body, traceId: trace.traceId, spanId: trace.spanId },
          }),
        );
      }, reject);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const timedOut = /timed out/i.test(error.message);
      reject(
        runtimeError(timedOut ? 'CLIENT_TIMEOUT' : 'CLIENT_UNREACHABLE', {
          message: `The WebSocket handshake to ${redactUrl(url)} ${timedOut ? 'got no answer in time' : `failed (${error.code ?? error.message})`}.`,
          cause: error,
          details: { traceId: trace.traceId, spanId: trace.spanId },
        }),
      );
    });
  });
}

/** The `ws:` / `wss:` URL of `path` on a gateway's `http:` / `https:` base URL. */
export function toWebSocketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function parseFrame(data: WebSocket.RawData, isBinary: boolean): unknown {
  const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  if (isBinary) return buffer;
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function closedError(what: string, close: WebSocketClose) {
  return runtimeError('CLIENT_WEBSOCKET_CLOSED', {
    message: `The WebSocket closed (${close.code}${close.reason ? ` ${close.reason}` : ''}) while ${what} was awaited.`,
    details: { code: close.code, reason: close.reason },
  });
}

function readBody(res: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', () => resolve(undefined));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
      } catch {
        resolve(text);
      }
    });
  });
}

function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

// A URL never carries a token here, but its query string is nobody's business in an error.
function redactUrl(url: string): string {
  return url.split('?', 1)[0]!;
}

// `welcome, joined lobby, message 12, error CHAT_BAD_FRAME` — types and ids, never text.
function describeFrames(frames: readonly unknown[]): string {
  if (frames.length === 0) return 'none';
  return frames
    .slice(-8)
    .map((frame) => {
      const f = frame as { type?: unknown; room?: unknown; id?: unknown; code?: unknown } | null;
      if (!f || typeof f !== 'object' || typeof f.type !== 'string') return typeof frame;
      return [f.type, f.code ?? f.room, f.type === 'message' ? f.id : undefined].filter((part) => part !== undefined).join(' ');
    })
    .join(', ');
}

import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { GatewayClient, GatewayRequest } from '../client/gateway-client.js';

/** One client that starts a chunked upload and stops sending before its end. */
export interface StalledUpload {
  /** `/auth/register`, `/mail/send`. */
  readonly path: string;
  /** Body bytes sent before the client goes silent (in 64 KiB chunks, no last chunk). */
  readonly bytes: number;
  /** Declare this Content-Length and send the bytes unframed instead of a chunked body. */
  readonly contentLength?: number;
  /** Sent as `Authorization: Bearer …` (a signed-in client). */
  readonly token?: string;
  /** More request headers (`traceparent`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a stalled upload ended, as its client saw it. */
export interface StalledUploadResult {
  /** The answer's status; 0 when the connection closed without one. */
  readonly status: number;
  /** The answer's `error.code`, if any. */
  readonly code: string | undefined;
  /** Time from the last byte sent to the whole answer (or the close, without one), ms. */
  readonly answeredAfterMs: number;
  /** The server closed the connection (within 1 s of its answer); a stalled connection kept open holds a socket. */
  readonly serverClosed: boolean;
}

// How long a client waits for the server's close after a whole answer.
const closeGraceMs = 1000;

const chunkBytes = 64 * 1024;
const chunk = Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), Buffer.alloc(chunkBytes, 0x20), Buffer.from('\r\n')]);

function bodyOf(upload: StalledUpload): { framing: string; body: Buffer[] } {
  if (upload.contentLength !== undefined) return { framing: `Content-Length: ${upload.contentLength}`, body: [Buffer.alloc(upload.bytes, 0x20)] };
  return { framing: 'Transfer-Encoding: chunked', body: Array.from({ length: Math.ceil(upload.bytes / chunkBytes) }, () => chunk) };
}

/**
 * Sends `upload` to `baseUrl` (plain HTTP) on a socket of its own as a chunked body (or one of a
 * declared length) that stops after `bytes`, then waits (at most `timeoutMs`) for the server's
 * whole answer and, for a moment more, its close.
 */
export function stallUpload(baseUrl: string, upload: StalledUpload, timeoutMs = 60_000): Promise<StalledUploadResult> {
  const url = new URL(baseUrl);
  const headers = { ...upload.headers, ...(upload.token ? { authorization: `Bearer ${upload.token}` } : {}) };
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const { framing, body } = bodyOf(upload);
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let stalledAt = performance.now();
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(`POST ${upload.path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n${framing}\r\n${extra}\r\n`);
      for (const part of body) socket.write(part);
      socket.write('', () => (stalledAt = performance.now()));
    });
    let answeredAt: number | undefined;
    let serverClosed = false;
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (data: Buffer) => {
      received.push(data);
      if (answeredAt === undefined && isWhole(Buffer.concat(received).toString('latin1'))) {
        answeredAt = performance.now();
        setTimeout(() => socket.destroy(), closeGraceMs).unref();
      }
    });
    socket.on('end', () => (serverClosed = true));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const code = /"code":"([A-Z0-9_]+)"/.exec(text)?.[1];
      resolve({ status, code, answeredAfterMs: (answeredAt ?? performance.now()) - stalledAt, serverClosed });
    });
  });
}

// Whether `text` holds a whole answer with a Content-Length (the proxies' JSON errors have one).
function isWhole(text: string): boolean {
  const headEnd = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1];
  return headEnd !== -1 && length !== undefined && Buffer.byteLength(text.slice(headEnd + 4), 'latin1') >= Number(length);
}

/** Options of runStalledUploadWave. */
export interface StalledUploadWaveOptions {
  /** The gateway's plain-HTTP URL, where the stalled uploads go. */
  readonly baseUrl: string;
  readonly uploads: readonly StalledUpload[];
  /** Another user's client and the requests it sends in turn, one at a time, while the wave lasts. */
  readonly other: { readonly gateway: GatewayClient; readonly requests: readonly GatewayRequest[] };
  /** How long the other user goes on after the last stalled upload ended (an ejection outlasts the wave). @default 0 */
  readonly trailingMs?: number;
}

/** What a wave did: how each stalled client ended, and how the other user fared meanwhile. */
export interface StalledUploadWaveResult {
  readonly stalled: readonly StalledUploadResult[];
  /** The other user's requests sent while the wave lasted. */
  readonly otherRequests: number;
  /** Those answered with anything but 2xx (or not at all), as `status code` (`503 GATEWAY_NO_INSTANCE`). */
  readonly otherFailures: readonly string[];
}

/**
 * Starts every upload of a wave at once and, until each has ended (and `trailingMs` more), sends
 * the other user's requests in a loop: the figure of issue 24 (a client's own stalled body must not cost other
 * users a single request, nor eject the instance that waited for it).
 */
export async function runStalledUploadWave(options: StalledUploadWaveOptions): Promise<StalledUploadWaveResult> {
  let done = false;
  const trailingMs = options.trailingMs ?? 0;
  const wave = Promise.all(options.uploads.map((upload) => stallUpload(options.baseUrl, upload))).finally(() => {
    setTimeout(() => (done = true), trailingMs);
  });
  const failures: string[] = [];
  let sent = 0;
  while (!done) {
    const request = options.other.requests[sent % options.other.requests.length]!;
    sent += 1;
    try {
      const answer = await options.other.gateway.request(request);
      if (answer.status < 200 || answer.status > 299) failures.push(`${answer.status} ${(answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? ''}`.trim());
    } catch (error) {
      failures.push(`no answer: ${(error as Error).message}`);
    }
  }
  return { stalled: await wave, otherRequests: sent, otherFailures: failures };
}

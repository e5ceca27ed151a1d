import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** One response read off a raw socket. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, else the text (undefined when empty): the shape `expect(…).toHaveStatus` reads. */
  readonly body: unknown;
}

/** What a server wrote back on one raw connection. */
export interface RawExchange {
  /** Every complete response, in order: more than one means the server read more than one request. */
  readonly responses: readonly RawResponse[];
  /** Whether the server closed the connection (rather than the client giving up after the timeout). */
  readonly closedByServer: boolean;
  /** Bytes received, for a note when something is off. */
  readonly received: number;
}

/** Options of exchangeRaw. */
export interface RawExchangeOptions {
  /** How long to wait for the server to close. @default 1500 */
  readonly timeoutMs?: number;
  /** Source address of the connection (e.g. `127.0.0.2`, a second client on Linux). @default the OS's choice */
  readonly localAddress?: string;
}

/** Where raw bytes go: a gateway by address, and the CA to trust when it speaks HTTPS. */
export interface RawTarget {
  readonly url: string;
  readonly ca?: string;
}

/** Gateway #1 by its address (raw sockets do not resolve www.topolab.test), trusting the topology's CA under TLS. */
export function rawGateway(ctx: { readonly gateways: readonly { readonly url: string }[]; readonly edge: { readonly tls?: { readonly ca: string } } }): RawTarget {
  return { url: ctx.gateways[0]!.url, ...(ctx.edge.tls ? { ca: ctx.edge.tls.ca } : {}) };
}

/**
 * Writes `bytes` on a fresh TCP connection to `baseUrl` exactly as given — nothing normalises
 * the path or the headers — and collects whatever comes back until the server closes or
 * `timeoutMs` passes. The client never half-closes, so a server that waits for more keeps waiting.
 */
export function exchangeRaw(target: string | RawTarget, bytes: string | Buffer, options: RawExchangeOptions = {}): Promise<RawExchange> {
  const { url: baseUrl, ca } = typeof target === 'string' ? { url: target, ca: undefined } : target;
  const url = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 1500;
  return new Promise((resolve, reject) => {
    const endpoint = { host: url.hostname, port: Number(url.port), ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    // Over TLS the bytes are the same; only the socket under them changes.
    const socket = url.protocol === 'https:' ? connectTls({ ...endpoint, servername: 'www.topolab.test', ...(ca ? { ca } : {}) }) : connect(endpoint);
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      resolve({ responses: parseResponses(data), closedByServer, received: data.length });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer is the server closing hard; before it, a real failure.
      if (chunks.length > 0 || error.code === 'ECONNRESET') {
        closedByServer = true;
        finish();
        return;
      }
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
    socket.write(bytes);
  });
}

/** A request head (and body) in wire form: `lines` are the request line and header lines, joined by CRLF. */
export function rawRequest(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A chunked body: each part one chunk, then the last chunk with optional trailer lines. */
export function chunked(parts: readonly string[], trailers: readonly string[] = []): string {
  const chunks = parts.map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join('');
  return `${chunks}0\r\n${trailers.map((line) => `${line}\r\n`).join('')}\r\n`;
}

// Sequential: head, then a body framed by Content-Length or chunked encoding, then the next response.
function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd === -1) break;
    const [statusLine = '', ...headerLines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let next = headEnd + 4;
    let body: Buffer;
    if (headers['content-length'] !== undefined) {
      body = data.subarray(next, next + Number(headers['content-length']));
      next += body.length;
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const decoded = decodeChunked(data, next);
      body = decoded.body;
      next = decoded.end;
    } else {
      body = status === 204 || status === 304 || (status >= 100 && status < 200) ? Buffer.alloc(0) : data.subarray(next);
      next += body.length;
    }
    responses.push({ status, headers, body: parseBody(body.toString('utf8')) });
    at = next;
  }
  return responses;
}

function decodeChunked(data: Buffer, start: number): { body: Buffer; end: number } {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd === -1) return { body: Buffer.concat(parts), end: data.length };
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    at = lineEnd + 2;
    if (!Number.isFinite(size) || size === 0) {
      const trailerEnd = data.indexOf('\r\n\r\n', lineEnd, 'latin1');
      return { body: Buffer.concat(parts), end: trailerEnd === -1 ? data.length : trailerEnd + 4 };
    }
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `answered 400, then closed the connection`, for a note under a raw-socket step. */
export function describeExchange(exchange: RawExchange): string {
  const statuses = exchange.responses.map((response) => {
    const code = (response.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    return typeof code === 'string' ? `${response.status} ${code}` : String(response.status);
  });
  const answered = statuses.length === 0 ? 'answered nothing' : `answered ${statuses.join(', then ')}`;
  return `${answered}${exchange.closedByServer ? ', then closed the connection' : ', connection left open'}`;
}

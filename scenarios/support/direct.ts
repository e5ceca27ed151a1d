import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Hop, ScenarioContext } from '@topolab/runtime/dsl';
import { instanceOf } from './instances.js';

/** What an instance answered a process that reached it directly, bypassing the gateway. */
export interface DirectAnswer {
  readonly status: number;
  /** The error code of the body (`{ error: { code } }`, or the token endpoint's `error_code`). */
  readonly code: string | undefined;
  /** `WWW-Authenticate`, when the answer has one. */
  readonly challenge: string | undefined;
  readonly body: { readonly error?: unknown; readonly error_code?: string; readonly [key: string]: unknown } | undefined;
  /** The hops of the request as the instance's spans tell them (`profile#1 (identity refused)`). */
  readonly hops: readonly Hop[];
}

/** Options of callDirect. */
export interface DirectCallOptions {
  /** JSON (an object) or a raw string (a form). */
  readonly body?: string | object;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A sampled W3C trace context of our own, so the instance's server span can be found as a hop. */
function newTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** A JSON answer's body; undefined when it is empty or not JSON. */
function parseBody(text: string): DirectAnswer['body'] {
  try {
    return text ? (JSON.parse(text) as DirectAnswer['body']) : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(body: DirectAnswer['body']): string | undefined {
  if (body?.error_code) return body.error_code;
  return (body?.error as { code?: string } | undefined)?.code;
}

/**
 * Calls `instanceId` directly on its loopback address, as any process on the machine could,
 * bypassing the gateway (with a trace context of its own, so its hops can be narrated).
 */
export async function callDirect(ctx: ScenarioContext, instanceId: string, method: string, path: string, options: DirectCallOptions = {}): Promise<DirectAnswer> {
  const instance = instanceOf(ctx, instanceId);
  const trace = newTrace();
  const json = options.body !== undefined && typeof options.body === 'object';
  const response = await fetch(`http://${instance.host}:${instance.port}${path}`, {
    method,
    headers: { traceparent: trace.traceparent, ...(json ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body === undefined ? {} : { body: json ? JSON.stringify(options.body) : (options.body as string) }),
    signal: AbortSignal.timeout(3000),
  });
  const body = parseBody(await response.text());
  return { status: response.status, code: codeOf(body), challenge: response.headers.get('www-authenticate') ?? undefined, body, hops: await ctx.hops(trace) };
}

/**
 * Opens a WebSocket handshake straight to `instanceId` (an HTTP/1.1 Upgrade, as any process
 * could send one); resolves with the refusal, or with status 101 when it was switched (the
 * socket is closed at once).
 */
export async function handshakeDirect(ctx: ScenarioContext, instanceId: string, path: string, headers: Readonly<Record<string, string>>): Promise<DirectAnswer> {
  const instance = instanceOf(ctx, instanceId);
  const trace = newTrace();
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest({
      host: instance.host,
      port: instance.port,
      path,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), traceparent: trace.traceparent, ...headers },
      timeout: 3000,
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, text: '' });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${instanceId} did not answer the handshake`)));
    req.on('error', reject);
    req.end();
  });
  const body = parseBody(answer.text);
  return { status: answer.status, code: codeOf(body), challenge: undefined, body, hops: await ctx.hops(trace) };
}

/** Encodes one command in RESP (Redis' protocol): an array of bulk strings. */
function resp(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/**
 * Sends commands to a Redis as a plain TCP client would (no library), first `AUTH user pass`
 * when `as` is given; resolves with the first line of each reply (`+OK`, `-NOPERM …`, `:1`).
 */
export function redisCommands(target: { readonly host: string; readonly port: number }, commands: readonly (readonly string[])[], as?: { readonly user: string; readonly password: string }): Promise<string[]> {
  const all = as ? [['AUTH', as.user, as.password], ...commands] : commands;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    let buffered = '';
    const replies: string[] = [];
    socket.setEncoding('utf8');
    socket.setTimeout(3000, () => socket.destroy(new Error('redis did not answer')));
    socket.on('connect', () => socket.write(all.map(resp).join('')));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      // Each reply's first line is enough here (simple strings, errors, integers; a bulk reply's header).
      let end: number;
      while ((end = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (line.startsWith('$') && Number(line.slice(1)) >= 0) {
          const size = Number(line.slice(1));
          replies.push(buffered.slice(0, size));
          buffered = buffered.slice(size + 2);
        } else replies.push(line);
      }
      if (replies.length >= all.length) {
        socket.end();
        resolve(as ? replies.slice(1) : replies);
      }
    });
    socket.on('error', reject);
  });
}

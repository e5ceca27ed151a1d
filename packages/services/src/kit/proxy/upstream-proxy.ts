import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Telemetry } from '../telemetry.js';
import { formatTraceparent, type TraceContext } from '../trace.js';
import { stripHopByHop } from './hop-by-hop.js';
import type { AttemptFailure, Upstream } from './upstream.js';

/** How one proxied attempt ended, from the forwarder's point of view. */
export type AttemptOutcome =
  /** The upstream answered; its status and body are being streamed to the client. */
  | { readonly kind: 'response'; readonly status: number }
  /** The client went away first; nothing more to send. */
  | { readonly kind: 'aborted' }
  /** Nothing was sent to the client yet; the forwarder answers or retries. */
  | { readonly kind: 'failed'; readonly failure: AttemptFailure; readonly cause: Error };

/** One attempt to send the request (whose headers are already prepared) to one upstream. */
export interface ProxyAttempt {
  readonly upstream: Upstream;
  /** The client span of this attempt, a child of the request's span; sent as `traceparent`. */
  readonly trace: TraceContext;
  /** Name of the client span (`profile: GET /profile/me`). */
  readonly name: string;
  /** The buffered body to replay; undefined streams the request itself. */
  readonly body: Buffer | undefined;
  /** The client asked to close its connection after this exchange. */
  readonly closeAfter: boolean;
  /** Silence after which this attempt fails with `timeout`. @default the proxy's `timeoutMs` */
  readonly timeoutMs?: number;
}

/** Options of createUpstreamProxy. */
export interface UpstreamProxyOptions {
  /** Silence from the upstream after which an attempt fails with `timeout`. */
  readonly timeoutMs: number;
  readonly telemetry: Telemetry;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
}

/** http-proxy-3 over one keep-alive agent, one promise per attempt. */
export interface UpstreamProxy {
  forward(req: IncomingMessage, res: ServerResponse, attempt: ProxyAttempt): Promise<AttemptOutcome>;
  /** Closes the agent's sockets. */
  close(): void;
}

interface AttemptState {
  timedOut: boolean;
  readonly closeAfter: boolean;
  respond(status: number): void;
}

/** Creates the proxy that carries requests to upstream instances and records a client span per attempt. */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const { telemetry, timeoutMs } = options;
  const clock = options.clock ?? Date.now;
  const agent = new Agent({ keepAlive: true });
  const proxy = createProxyServer({ agent, proxyTimeout: timeoutMs, xfwd: false });
  const attempts = new WeakMap<IncomingMessage, AttemptState>();

  // http-proxy-3 destroys the request on `proxyTimeout` and reports a plain reset; this tells them apart.
  proxy.on('proxyReq', (proxyReq, req) => {
    const state = attempts.get(req);
    if (state) proxyReq.once('timeout', () => (state.timedOut = true));
  });
  // Runs before http-proxy-3 copies the upstream's headers to the client.
  proxy.on('proxyRes', (proxyRes, req, res) => {
    stripHopByHop(proxyRes.headers);
    const state = attempts.get(req);
    if (state?.closeAfter) proxyRes.headers.connection = 'close';
    // An upstream that dies mid-body must not leave the client waiting for the rest.
    proxyRes.once('close', () => {
      if (!proxyRes.complete) res.destroy();
    });
    state?.respond(proxyRes.statusCode ?? 502);
  });
  // Failures arrive through the per-call callback; this keeps a stray emit from throwing.
  proxy.on('error', () => undefined);

  function forward(req: IncomingMessage, res: ServerResponse, attempt: ProxyAttempt): Promise<AttemptOutcome> {
    const { upstream, trace } = attempt;
    // The client may have left while the caller waited (auth, a first attempt): do not bother the upstream.
    if (req.socket.destroyed) return Promise.resolve({ kind: 'aborted' });
    const started = performance.now();
    const start = clock();
    const record = (status: number | undefined, failure?: string) =>
      telemetry.span({
        traceId: trace.traceId,
        spanId: trace.spanId,
        ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}),
        kind: 'client',
        name: attempt.name,
        start,
        durationMs: performance.now() - started,
        ...(status === undefined ? {} : { status }),
        attributes: { target: `${upstream.host}:${upstream.port}`, peer: upstream.id, ...(failure ? { failure } : {}) },
      });

    return new Promise<AttemptOutcome>((resolve, reject) => {
      let settled = false;
      const onClientGone = () => {
        if (settled) return;
        settled = true;
        record(undefined, 'aborted');
        resolve({ kind: 'aborted' });
      };
      const state: AttemptState = {
        timedOut: false,
        closeAfter: attempt.closeAfter,
        respond(status) {
          if (settled) return;
          settled = true;
          res.off('close', onClientGone);
          res.once('close', () => record(status));
          resolve({ kind: 'response', status });
        },
      };
      res.once('close', onClientGone);
      attempts.set(req, state);
      const onError = (error: Error) => {
        if (settled) return;
        settled = true;
        res.off('close', onClientGone);
        const failure = classifyFailure(error, state.timedOut);
        record(undefined, failure);
        resolve({ kind: 'failed', failure, cause: error });
      };
      try {
        proxy.web(
          req,
          res,
          {
            target: { host: upstream.host, port: upstream.port, protocol: 'http:' },
            headers: { traceparent: formatTraceparent(trace) },
            ...(attempt.timeoutMs === undefined ? {} : { proxyTimeout: attempt.timeoutMs }),
            ...(attempt.body ? { buffer: Readable.from(attempt.body, { objectMode: false }) } : {}),
          },
          onError,
        );
      } catch (error) {
        settled = true;
        res.off('close', onClientGone);
        reject(error);
      }
    });
  }

  return { forward, close: () => agent.destroy() };
}

function classifyFailure(error: Error, timedOut: boolean): AttemptFailure {
  if (timedOut) return 'timeout';
  return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'failed';
}

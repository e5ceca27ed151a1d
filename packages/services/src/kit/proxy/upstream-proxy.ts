import { Agent, request, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Telemetry } from '../telemetry.js';
import { formatTraceparent, type TraceContext } from '../trace.js';
import { isIdempotent } from './forward.js';
import { stripHopByHop } from './hop-by-hop.js';
import { startAttemptSpan, type AttemptFailure, type Upstream } from './upstream.js';

/** How one proxied attempt ended, from the forwarder's point of view. */
export type AttemptOutcome =
  /** The upstream answered; its status and body are being streamed to the client. */
  | { readonly kind: 'response'; readonly status: number }
  /** The client went away first; nothing more to send. */
  | { readonly kind: 'aborted' }
  /**
   * The streamed body went past `bodyLimit` before the upstream answered: the proxy stopped
   * forwarding and cancelled the attempt (the upstream got at most `limit` bytes); the caller
   * answers 413. Says nothing about the upstream's health.
   */
  | { readonly kind: 'tooLarge'; readonly limit: number }
  /**
   * Nothing was sent to the client yet; the forwarder answers or retries. `staleSocket`: the
   * attempt went out on a kept-alive socket and no answer began — most often a socket the
   * upstream had just closed (an nginx reload closes its idle ones; Node's `reusedSocket` race).
   */
  | { readonly kind: 'failed'; readonly failure: AttemptFailure; readonly cause: Error; readonly staleSocket: boolean };

/** One attempt to send the request (whose headers are already prepared) to one upstream. */
export interface ProxyAttempt {
  readonly upstream: Upstream;
  /** The client span of this attempt, a child of the request's span; sent as `traceparent`. */
  readonly trace: TraceContext;
  /** Name of the client span (`profile: GET /profile/me`). */
  readonly name: string;
  /** The buffered body to replay; undefined streams the request itself. */
  readonly body: Buffer | undefined;
  /**
   * Most bytes of a streamed body (one without a declared length: chunked) passed on; past it
   * the attempt is cancelled (`tooLarge`, or a destroyed answer once the upstream began one).
   * @default no limit
   */
  readonly bodyLimit?: number;
  /** The client asked to close its connection after this exchange. */
  readonly closeAfter: boolean;
  /** Silence after which this attempt fails with `timeout`. @default the proxy's `timeoutMs` */
  readonly timeoutMs?: number;
  /**
   * Go out on a connection of its own, not a kept-alive one: a retry does, as its first attempt
   * may have met a socket the upstream was closing, and the pool may hold more of them (an
   * nginx reload closes every idle connection at once). @default false
   */
  readonly freshConnection?: boolean;
}

/** Options of createUpstreamProxy. */
export interface UpstreamProxyOptions {
  /** Silence from the upstream after which an attempt fails with `timeout`. */
  readonly timeoutMs: number;
  readonly telemetry: Telemetry;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
}

/** One keep-alive agent to the upstreams, one promise per attempt. */
export interface UpstreamProxy {
  forward(req: IncomingMessage, res: ServerResponse, attempt: ProxyAttempt): Promise<AttemptOutcome>;
  /** Closes the agent's sockets. */
  close(): void;
}

// Sent by http-proxy-3 for these bodiless methods too, so an upstream never waits for a body.
const lengthZeroMethods = new Set(['DELETE', 'OPTIONS']);

/**
 * Creates the proxy that carries requests to upstream instances and records a client span per
 * attempt. One `http.request` per attempt over a keep-alive agent, the answer's status and
 * headers written in one `writeHead` and its body piped: the work of one proxy hop and nothing
 * else (http-proxy-3's per-request option passes took ~40 % of the gateway's CPU).
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const { telemetry, timeoutMs } = options;
  const clock = options.clock ?? Date.now;
  // As many idle sockets as the busiest burst left; the default 256 would close the rest and reconnect.
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 1024 });
  // A request that must not be sent twice goes on a connection of its own (HAProxy's
  // `http-reuse safe`): a kept-alive socket the upstream closes as the request leaves (an nginx
  // reload closes its idle ones, an instance stopping too) resets it, and it cannot be retried.
  const freshAgent = new Agent({ keepAlive: false });

  function forward(req: IncomingMessage, res: ServerResponse, attempt: ProxyAttempt): Promise<AttemptOutcome> {
    const { upstream, trace } = attempt;
    // The client may have left while the caller waited (auth, a first attempt): do not bother the upstream.
    if (req.socket.destroyed) return Promise.resolve({ kind: 'aborted' });
    const record = startAttemptSpan(telemetry, clock, attempt);

    return new Promise<AttemptOutcome>((resolve, reject) => {
      const method = req.method ?? 'GET';
      const headers: OutgoingHttpHeaders = { ...req.headers, traceparent: formatTraceparent(trace) };
      delete headers.trailer;
      if (lengthZeroMethods.has(method) && headers['content-length'] === undefined) {
        headers['content-length'] = '0';
        delete headers['transfer-encoding'];
      }
      let proxyReq: ClientRequest;
      try {
        proxyReq = request({ host: upstream.host, port: upstream.port, method, path: req.url, headers, agent: isIdempotent(method) && attempt.freshConnection !== true ? agent : freshAgent });
      } catch (error) {
        reject(error);
        return;
      }
      let settled = false;
      let timedOut = false;
      let status = 0;
      const settle = (outcome: AttemptOutcome) => {
        settled = true;
        resolve(outcome);
      };
      res.once('close', () => {
        // The client left before the whole answer was sent: the upstream need not go on.
        if (!res.writableFinished) proxyReq.destroy();
        if (!settled) {
          record(undefined, 'aborted');
          settle({ kind: 'aborted' });
        } else if (status > 0) record(status);
      });
      const onError = (error: Error) => {
        if (settled) return;
        const failure = classifyFailure(error, timedOut);
        record(undefined, failure);
        settle({ kind: 'failed', failure, cause: error, staleSocket: failure === 'failed' && proxyReq.reusedSocket });
      };
      proxyReq.on('error', onError);
      req.on('error', onError);
      proxyReq.setTimeout(attempt.timeoutMs ?? timeoutMs, () => {
        timedOut = true;
        proxyReq.destroy();
      });
      proxyReq.on('response', (proxyRes) => {
        if (settled) return proxyRes.resume();
        const answer = proxyRes.headers;
        stripHopByHop(answer);
        if (attempt.closeAfter) answer.connection = 'close';
        // An upstream that dies mid-body must not leave the client waiting for the rest.
        proxyRes.once('close', () => {
          if (!proxyRes.complete) res.destroy();
        });
        proxyRes.on('error', () => undefined);
        status = proxyRes.statusCode ?? 502;
        res.writeHead(status, proxyRes.statusMessage, answer);
        proxyRes.pipe(res);
        settle({ kind: 'response', status });
      });
      if (attempt.body) proxyReq.end(attempt.body);
      // A request without a body (already complete, nothing buffered) goes out in one write.
      else if (req.complete && req.readableLength === 0) proxyReq.end();
      else if (attempt.bodyLimit === undefined) req.pipe(proxyReq);
      else {
        const limit = attempt.bodyLimit;
        streamLimited(req, proxyReq, limit, () => {
          if (!settled) {
            // Settled first: the cancelled request's 'socket hang up' is ours, not the upstream's.
            record(undefined, 'too_large');
            settle({ kind: 'tooLarge', limit });
            proxyReq.destroy();
            return;
          }
          // The upstream is answering already: cut both sides (the answer cannot be trusted to end).
          proxyReq.destroy();
          res.destroy();
        });
      }
    });
  }

  return {
    forward,
    close: () => {
      agent.destroy();
      freshAgent.destroy();
    },
  };
}

/**
 * `req.pipe(proxyReq)` that counts: past `limit` bytes it stops forwarding (the chunk that
 * crosses the limit is not sent), leaves `req` (possibly paused) to the caller and calls `over`.
 */
function streamLimited(req: IncomingMessage, proxyReq: ClientRequest, limit: number, over: () => void): void {
  let passed = 0;
  const onData = (chunk: Buffer) => {
    passed += chunk.length;
    if (passed > limit) {
      stop();
      over();
      return;
    }
    if (!proxyReq.write(chunk)) req.pause();
  };
  const onDrain = () => req.resume();
  const onEnd = () => {
    stop();
    proxyReq.end();
  };
  // The attempt ended (answered and done, failed, or the client left): what is left of the body is dropped.
  const onClose = () => {
    stop();
    req.resume();
  };
  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    proxyReq.off('drain', onDrain);
    proxyReq.off('close', onClose);
  };
  req.on('data', onData);
  req.once('end', onEnd);
  proxyReq.on('drain', onDrain);
  proxyReq.once('close', onClose);
}

function classifyFailure(error: Error, timedOut: boolean): AttemptFailure {
  if (timedOut) return 'timeout';
  return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'failed';
}

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { errors, type Dispatcher } from '../http/undici.js';
import { stripHopByHop } from './hop-by-hop.js';
import { RequestBody, type RequestBodyBounds } from './request-body.js';
import type { AttemptFailure } from './upstream.js';
import type { AttemptOutcome } from './upstream-proxy.js';

/** Options of an UpstreamAttempt. */
export interface UpstreamAttemptOptions {
  /** Records the attempt's client span: its status, or its failure. */
  readonly record: (status: number | undefined, failure?: string) => void;
  /** Answer with `Connection: close`. */
  readonly closeAfter: boolean;
  /** Headers the proxy adds to the answer, replacing the upstream's own of the same name. */
  readonly responseHeaders?: Readonly<Record<string, string>> | undefined;
  /** Silence (nothing sent, nothing heard) after which the attempt fails with `timeout`. */
  readonly timeoutMs: number;
  /** Whether a failure before any answer came from a kept-alive socket (`staleSocket`). */
  readonly staleSocket: (error: Error) => boolean;
}

// undici's answer to a request it cannot send at all (a header or path it refuses): no upstream is at fault.
const unsendable = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);
const timeouts = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One attempt as an undici dispatch handler: streams the answer to `res` (status, headers minus
 * hop-by-hop ones, body with backpressure) and settles `outcome`. It owns the attempt's silence
 * timer (undici's own timers are coarse, 0.5–1 s) and cancels the request when the client
 * leaves, the body goes past its limit or stalls (the client's faults, reported as such), or the
 * upstream stays silent while it is the one awaited (not while the client's body is still coming).
 */
export class UpstreamAttempt implements Dispatcher.DispatchHandler {
  /** How the attempt ended; rejects only for a request undici refuses to send (as `http.request` threw). */
  readonly outcome: Promise<AttemptOutcome>;
  readonly #res: ServerResponse;
  readonly #options: UpstreamAttemptOptions;
  readonly #timer: NodeJS.Timeout;
  #resolve!: (outcome: AttemptOutcome) => void;
  #reject!: (error: Error) => void;
  #controller: Dispatcher.DispatchController | undefined;
  // Cancelled before undici started the request: aborted as soon as it does.
  #cancelled: Error | undefined;
  #body: RequestBody | undefined;
  #settled = false;
  #done = false;
  // The answer's status once it began.
  #status = 0;

  constructor(res: ServerResponse, options: UpstreamAttemptOptions) {
    this.#res = res;
    this.#options = options;
    this.outcome = new Promise<AttemptOutcome>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = setTimeout(this.#onSilence, options.timeoutMs);
    res.once('close', this.#onClientClose);
  }

  /**
   * The body to send: `req` itself, counted against `limit` (past it the attempt ends `tooLarge`),
   * with `idleMs` between two of the client's chunks (past it the attempt ends `bodyTimeout`).
   */
  streamBody(req: IncomingMessage, bounds: RequestBodyBounds): RequestBody {
    this.#body = new RequestBody(req, bounds, {
      chunk: () => this.#timer.refresh(),
      over: () => this.#onClientFault({ kind: 'tooLarge', limit: bounds.limit }, 'too_large'),
      idle: () => this.#onClientFault({ kind: 'bodyTimeout', idleMs: bounds.idleMs }, 'body_timeout'),
    });
    return this.#body;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#cancelled) controller.abort(this.#cancelled);
    else this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    // 1xx informational answers are not passed on (Node's client did not either).
    if (statusCode < 200) return;
    if (this.#settled) return controller.abort(new errors.RequestAbortedError());
    this.#timer.refresh();
    stripHopByHop(headers);
    // HSTS is the edge's to set (it alone knows the client's Host and whether the hop is TLS): an upstream's never passes.
    if (headers['strict-transport-security'] !== undefined) delete headers['strict-transport-security'];
    if (this.#options.closeAfter) headers.connection = 'close';
    const own = this.#options.responseHeaders;
    if (own) for (const name in own) headers[name] = own[name];
    // One writeHead with every header (Node's fast path: a header set before with setHeader
    // would make it validate and store each of the upstream's headers a second time).
    this.#res.writeHead(statusCode, statusMessage, headers);
    this.#status = statusCode;
    this.#settle({ kind: 'response', status: statusCode });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#timer.refresh();
    if (this.#res.write(chunk)) return;
    controller.pause();
    this.#res.once('drain', this.#onDrain);
  }

  onResponseEnd(): void {
    this.#finish();
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish();
    if (this.#settled) {
      // An upstream that dies mid-body must not leave the client waiting for the rest.
      if (this.#status > 0 && !this.#res.writableFinished) this.#res.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (unsendable.has(code)) {
      this.#settled = true;
      this.#reject(error);
      return;
    }
    const failure: AttemptFailure = code === 'ECONNREFUSED' ? 'refused' : timeouts.has(code) ? 'timeout' : 'failed';
    this.#options.record(undefined, failure);
    this.#settle({ kind: 'failed', failure, cause: error, staleSocket: failure === 'failed' && this.#options.staleSocket(error) });
  }

  readonly #onDrain = (): void => this.#controller?.resume();

  readonly #onClientClose = (): void => {
    if (!this.#settled) {
      this.#options.record(undefined, 'aborted');
      this.#settle({ kind: 'aborted' });
    } else if (this.#status > 0) this.#options.record(this.#status);
    // The client left before the whole answer was sent: the upstream need not go on.
    if (!this.#res.writableFinished) this.#cancel();
  };

  readonly #onSilence = (): void => {
    // The client is the one silent (its body is still coming, and nothing holds it back): its own idle timer judges it.
    if (this.#body?.waitingForClient) {
      this.#timer.refresh();
      return;
    }
    const cause = this.#status > 0 ? new errors.BodyTimeoutError() : new errors.HeadersTimeoutError();
    if (!this.#settled) {
      this.#options.record(undefined, 'timeout');
      this.#settle({ kind: 'failed', failure: 'timeout', cause, staleSocket: false });
    }
    this.#cancel(cause);
  };

  // The client's body went past its limit or stalled: the attempt is cancelled and the caller answers (413, 408).
  #onClientFault(outcome: Extract<AttemptOutcome, { kind: 'tooLarge' | 'bodyTimeout' }>, failure: string): void {
    if (!this.#settled) {
      // Settled first: the cancelled request's error is ours, not the upstream's.
      this.#options.record(undefined, failure);
      this.#settle(outcome);
      this.#cancel();
      return;
    }
    // The upstream is answering already: cut both sides (the answer cannot be trusted to end).
    this.#cancel();
    this.#res.destroy();
  }

  #settle(outcome: AttemptOutcome): void {
    this.#settled = true;
    this.#resolve(outcome);
  }

  // The attempt is over: no more silence to watch, and what is left of a streamed body is not ours.
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#body?.destroy();
  }

  // Called once settled: undici reports the cancelled request through onResponseError.
  #cancel(reason: Error = new errors.RequestAbortedError()): void {
    if (this.#done) return;
    this.#finish();
    if (this.#controller) this.#controller.abort(reason);
    else this.#cancelled = reason;
  }
}

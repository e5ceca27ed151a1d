import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** What a RequestBody tells the attempt that sends it. */
export interface RequestBodyHooks {
  /** A chunk was passed on (the attempt's silence timer starts again). */
  readonly chunk: () => void;
  /** The body went past the limit: the chunk that crossed it and everything after stay behind. */
  readonly over: () => void;
  /** The client sent nothing for the idle time while the body waited for it: the body lets go of `req`. */
  readonly idle: () => void;
}

/** Bounds of a RequestBody. */
export interface RequestBodyBounds {
  /** Most bytes passed on; past it `over`. */
  readonly limit: number;
  /** Idle time between two chunks (while this stream waits for the client, not for its reader) before `idle`. */
  readonly idleMs: number;
}

/**
 * The client's streamed body as one attempt sends it upstream: `req`'s chunks, counted against
 * `limit`, with backpressure both ways, and an idle timer (nginx's `client_body_timeout`: the time
 * between two reads) that every chunk resets and that stops while the reader (the upstream) is
 * the one holding the body back, so a slow upstream is never blamed on the client. undici destroys the stream it sends once the attempt
 * ends, and destroying an IncomingMessage closes the client's connection before it hears the
 * answer: this stream stands between the two. Destroyed, it lets go of `req` and drops what is
 * left of the body (`req.resume()`); past the limit it lets go at once and leaves `req`
 * (possibly paused) to the caller, which answers 413.
 */
export class RequestBody extends Readable {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #hooks: RequestBodyHooks;
  readonly #idle: NodeJS.Timeout;
  #passed = 0;
  #attached = true;
  // Past the limit or idle too long: `req` stays as it is, for the caller to answer and close.
  #refused = false;
  // Paused for backpressure: the reader, not the client, holds the body back.
  #paused = false;

  constructor(req: IncomingMessage, bounds: RequestBodyBounds, hooks: RequestBodyHooks) {
    super();
    this.#req = req;
    this.#limit = bounds.limit;
    this.#hooks = hooks;
    this.#idle = setTimeout(this.#onIdle, bounds.idleMs);
    req.on('data', this.#onData);
    req.once('end', this.#onEnd);
  }

  /** Whether the body is still coming and this stream is waiting for the client (not for its reader). */
  get waitingForClient(): boolean {
    return this.#attached && !this.#paused;
  }

  override _read(): void {
    if (!this.#attached || !this.#paused) return;
    this.#paused = false;
    this.#idle.refresh();
    this.#req.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#detach();
    if (!this.#refused) this.#req.resume();
    callback(error);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#passed += chunk.length;
    if (this.#passed > this.#limit) return this.#refuse(this.#hooks.over);
    this.#idle.refresh();
    this.#hooks.chunk();
    if (this.push(chunk)) return;
    // The idle timer runs on but finds the body paused; reading again restarts it.
    this.#paused = true;
    this.#req.pause();
  };

  readonly #onEnd = (): void => {
    this.#detach();
    this.push(null);
  };

  readonly #onIdle = (): void => {
    if (this.waitingForClient) this.#refuse(this.#hooks.idle);
  };

  #refuse(hook: () => void): void {
    this.#refused = true;
    this.#detach();
    hook();
  }

  #detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    clearTimeout(this.#idle);
    this.#req.off('data', this.#onData);
    this.#req.off('end', this.#onEnd);
  }
}

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** What a RequestBody tells the attempt that sends it. */
export interface RequestBodyHooks {
  /** A chunk was passed on (the attempt's silence timer starts again). */
  readonly chunk: () => void;
  /** The body went past the limit: the chunk that crossed it and everything after stay behind. */
  readonly over: () => void;
}

/**
 * The client's streamed body as one attempt sends it upstream: `req`'s chunks, counted against
 * `limit`, with backpressure both ways. undici destroys the stream it sends once the attempt
 * ends, and destroying an IncomingMessage closes the client's connection before it hears the
 * answer: this stream stands between the two. Destroyed, it lets go of `req` and drops what is
 * left of the body (`req.resume()`); past the limit it lets go at once and leaves `req`
 * (possibly paused) to the caller, which answers 413.
 */
export class RequestBody extends Readable {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #hooks: RequestBodyHooks;
  #passed = 0;
  #attached = true;
  #over = false;

  constructor(req: IncomingMessage, limit: number, hooks: RequestBodyHooks) {
    super();
    this.#req = req;
    this.#limit = limit;
    this.#hooks = hooks;
    req.on('data', this.#onData);
    req.once('end', this.#onEnd);
  }

  override _read(): void {
    if (this.#attached) this.#req.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#detach();
    if (!this.#over) this.#req.resume();
    callback(error);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#passed += chunk.length;
    if (this.#passed > this.#limit) {
      this.#over = true;
      this.#detach();
      this.#hooks.over();
      return;
    }
    this.#hooks.chunk();
    if (!this.push(chunk)) this.#req.pause();
  };

  readonly #onEnd = (): void => {
    this.#detach();
    this.push(null);
  };

  #detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#req.off('data', this.#onData);
    this.#req.off('end', this.#onEnd);
  }
}

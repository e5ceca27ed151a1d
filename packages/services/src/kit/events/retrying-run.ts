import { createBackoff } from '../backoff.js';

/** Options of createRetryingRun. */
export interface RetryingRunOptions {
  /** The work (a read of auth's log); a rejection schedules a retry. */
  readonly run: () => Promise<void>;
  /** After a run that succeeded. */
  readonly onSuccess: () => void;
  /** After a run that failed; `retryMs` is when the retry comes. */
  readonly onFailure: (error: unknown, retryMs: number) => void;
  /** Ceiling of the first retry's delay (full jitter below it, kit/backoff.ts); doubles after each failure up to `retryMaxMs`, back to this after a success. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** The jitter's random source (tests fix it). @default Math.random */
  readonly random?: () => number;
}

/** A piece of work that runs once at a time, again when asked meanwhile, and retries with backoff. */
export interface RetryingRun {
  /** Runs now, or once more after the current run; resolves when that run ends. Never rejects. */
  request(): Promise<void>;
  /** No run starts any more; a pending retry is dropped. */
  close(): void;
}

/**
 * Single flight with backoff: a request during a run makes the run go once more (so nothing
 * asked for is missed), a failure schedules a retry at most `retryMinMs` later (full jitter),
 * the ceiling doubling up to `retryMaxMs`, and a success resets the delay.
 */
export function createRetryingRun(options: RetryingRunOptions): RetryingRun {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const backoff = createBackoff({ baseMs: options.retryMinMs, maxMs: options.retryMaxMs, random: options.random });
  let retry: NodeJS.Timeout | undefined;

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        await options.run();
      } while (again && !closed);
      backoff.reset();
      options.onSuccess();
    } catch (error) {
      if (closed) return;
      const retryMs = backoff.next();
      options.onFailure(error, retryMs);
      clearTimeout(retry);
      retry = setTimeout(() => void request(), retryMs);
      retry.unref();
    } finally {
      running = undefined;
    }
  }

  function request(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    return (running = loop());
  }

  return {
    request,
    close() {
      closed = true;
      clearTimeout(retry);
    },
  };
}

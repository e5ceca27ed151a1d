// Exponential backoff with full jitter, after Marc Brooker, "Exponential Backoff And Jitter",
// AWS Architecture Blog (2015, updated 2023): https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
// Every retry and reconnection loop uses it, so many clients that lost the same peer (a
// restarted registry, bus or Redis) do not come back in lockstep. No imports: it is safe
// in a browser bundle too.

/** How a backoff grows. */
export interface BackoffOptions {
  /** The ceiling of the first delay. */
  readonly baseMs: number;
  /** The largest ceiling: the doubling stops here. */
  readonly maxMs: number;
  /**
   * A number in [0, 1] (inclusive of 1, so a test can ask for the ceiling itself). Tests inject
   * a fixed or seeded one to stay deterministic. @default Math.random
   */
  readonly random?: () => number;
}

/** The un-jittered ceiling of attempt `attempt` (0 for the first): `min(maxMs, baseMs × 2^attempt)`. */
export function backoffCeiling(attempt: number, options: Pick<BackoffOptions, 'baseMs' | 'maxMs'>): number {
  // Past 2^30 the ceiling is maxMs anyway; the cap keeps the power finite.
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
}

/** "Full jitter": a uniform random delay between 0 and the ceiling of `attempt`. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  return Math.round(random() * backoffCeiling(attempt, options));
}

/** The delays of one retry loop. */
export interface Backoff {
  /** The delay before the next attempt; each call counts one failure. */
  next(): number;
  /** Back to the first delay (after a success). */
  reset(): void;
  /** Failures counted since the last reset. */
  readonly failures: number;
}

/** A retry loop's backoff: `next()` after each failure, `reset()` after a success. */
export function createBackoff(options: BackoffOptions): Backoff {
  let failures = 0;
  return {
    next: () => backoffDelay(failures++, options),
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}

/**
 * Calls `attempt` until it resolves, waiting a backoff delay between failures (ceiling 20 ms
 * doubling up to 500 ms: a start-up wait for a peer that is coming up); rethrows the last
 * error when the next wait would pass `deadline` (epoch ms).
 */
export async function retryUntil<T>(deadline: number, attempt: () => Promise<T>, options: BackoffOptions = { baseMs: 20, maxMs: 500 }): Promise<T> {
  const backoff = createBackoff(options);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const delay = backoff.next();
      if (Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

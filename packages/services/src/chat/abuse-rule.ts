/** Options of createAbuseRule. */
export interface AbuseRuleOptions {
  /** Refusals that make abuse when they all fall within `windowMs`; at least 1. */
  readonly refusals: number;
  /** The window, ms. */
  readonly windowMs: number;
}

/** Counts a socket's refused frames and says when they amount to sustained abuse. */
export interface AbuseRule {
  /** Records one refusal at `now` (monotonic ms); true once `refusals` of them fall within `windowMs`. */
  record(now: number): boolean;
}

/**
 * Sustained abuse is `refusals` refused frames within any `windowMs`: a client that slows down
 * after its first CHAT_RATE_LIMITED never gets there, one that ignores the errors soon does.
 * Keeps the times of the last `refusals` refusals in a ring, so the check is exact and O(1).
 */
export function createAbuseRule(options: AbuseRuleOptions): AbuseRule {
  const { refusals, windowMs } = options;
  if (!Number.isInteger(refusals) || refusals < 1) throw new RangeError(`Expected the \`refusals\` option to be a positive integer, got ${refusals}`);
  const times: number[] = [];
  let next = 0;
  return {
    record(now) {
      times[next] = now;
      next = (next + 1) % refusals;
      // Once the ring is full, the slot to be written next holds the oldest of the last `refusals`.
      return times.length === refusals && now - times[next]! < windowMs;
    },
  };
}

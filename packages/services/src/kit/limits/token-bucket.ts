/**
 * One token bucket. Credit is counted in thousandths of a token, so that a refill of
 * `elapsedMs × rps` is exact integer arithmetic whenever the clock and the rate are whole
 * numbers (no drift from adding up fractions of a token).
 */
export interface TokenBucket {
  /** Thousandths of a token available at `updatedAt`. */
  credit: number;
  /** Monotonic ms of the last refill. */
  updatedAt: number;
}

/** Refill rate and size of a bucket. */
export interface BucketRate {
  /** Tokens per second; above 0. */
  readonly rps: number;
  /** Most tokens the bucket holds. */
  readonly burst: number;
}

/** The verdict on one request. */
export type TakeResult =
  /** A token was taken. */
  | { readonly allowed: true }
  /** The bucket is empty; a token will be there in `retryAfterMs`. */
  | { readonly allowed: false; readonly retryAfterMs: number };

const unit = 1000;
const allowed: TakeResult = Object.freeze({ allowed: true });

/** A full bucket at `now` (a client starts with its whole burst). */
export function createTokenBucket(rate: BucketRate, now: number): TokenBucket {
  return { credit: rate.burst * unit, updatedAt: now };
}

/** Refills the bucket up to `now`, then takes one token if there is one. */
export function takeToken(bucket: TokenBucket, rate: BucketRate, now: number): TakeResult {
  refill(bucket, rate, now);
  if (bucket.credit >= unit) {
    bucket.credit -= unit;
    return allowed;
  }
  return { allowed: false, retryAfterMs: (unit - bucket.credit) / rate.rps };
}

/** Whether the bucket would be full at `now`: forgetting it then changes nothing. */
export function isBucketFull(bucket: TokenBucket, rate: BucketRate, now: number): boolean {
  return bucket.credit + Math.max(0, now - bucket.updatedAt) * rate.rps >= rate.burst * unit;
}

function refill(bucket: TokenBucket, rate: BucketRate, now: number): void {
  // A clock that steps back (it should not, it is monotonic) must not mint or burn tokens.
  const elapsed = Math.max(0, now - bucket.updatedAt);
  bucket.credit = Math.min(rate.burst * unit, bucket.credit + elapsed * rate.rps);
  bucket.updatedAt = Math.max(now, bucket.updatedAt);
}

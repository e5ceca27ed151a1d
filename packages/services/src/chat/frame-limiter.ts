import { chatLimits } from '../contract/chat-api.js';
import { createTokenBucket, takeToken, type BucketRate } from '../kit/limits/token-bucket.js';
import { createAbuseRule } from './abuse-rule.js';

/** The limits of one socket's frames (the meaning of each: `chatLimits`). @default chatLimits */
export type FrameLimits = { readonly [K in 'framesPerSecond' | 'frameBurst' | 'abuseRefusals' | 'abuseWindowMs']: number };

/** The verdict on one frame. */
export type FrameVerdict =
  /** Within the rate: handle it. */
  | 'allowed'
  /** Over the rate: answer CHAT_RATE_LIMITED and drop it. */
  | 'limited'
  /** Over the rate, and the last of `abuseRefusals` refusals within `abuseWindowMs`: close the socket with 1008. */
  | 'abusive';

/** The rate limit of one socket. */
export interface FrameLimiter {
  /** Takes a token for one frame arriving at `now` (monotonic ms). */
  take(now: number): FrameVerdict;
}

/**
 * A socket's frame rate: a token bucket (the gateway's, kit/limits: exact integer refill) of
 * `frameBurst` tokens refilled at `framesPerSecond`, and the abuse rule on its refusals. The
 * socket starts with a full bucket.
 */
export function createFrameLimiter(now: number, limits: FrameLimits = chatLimits): FrameLimiter {
  const rate: BucketRate = { rps: limits.framesPerSecond, burst: limits.frameBurst };
  const bucket = createTokenBucket(rate, now);
  const abuse = createAbuseRule({ refusals: limits.abuseRefusals, windowMs: limits.abuseWindowMs });
  return {
    take(at) {
      if (takeToken(bucket, rate, at).allowed) return 'allowed';
      return abuse.record(at) ? 'abusive' : 'limited';
    },
  };
}

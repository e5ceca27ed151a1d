import { describe, expect, it } from 'vitest';
import { chatLimits } from '../contract/chat-api.js';
import { createAbuseRule } from './abuse-rule.js';
import { createFrameLimiter, type FrameVerdict } from './frame-limiter.js';

const verdicts = (times: readonly number[], limiter = createFrameLimiter(times[0] ?? 0)): FrameVerdict[] => times.map((now) => limiter.take(now));
const count = (list: readonly FrameVerdict[], verdict: FrameVerdict) => list.filter((each) => each === verdict).length;

describe('abuse rule (sustained abuse: N refusals within a window)', () => {
  it('says abuse at the Nth refusal within the window, not before', () => {
    const rule = createAbuseRule({ refusals: 3, windowMs: 1000 });
    expect([rule.record(0), rule.record(10), rule.record(999)]).toEqual([false, false, true]);
  });

  it('forgets refusals older than the window: a client that slows down is never closed', () => {
    const rule = createAbuseRule({ refusals: 3, windowMs: 1000 });
    // One refusal every 500 ms: any three span 1000 ms, never within it.
    expect(Array.from({ length: 20 }, (_, i) => rule.record(i * 500))).not.toContain(true);
    const strict = createAbuseRule({ refusals: 1, windowMs: 1 });
    expect(strict.record(5)).toBe(true);
    expect(() => createAbuseRule({ refusals: 0, windowMs: 1 })).toThrow(RangeError);
  });
});

describe('frame limiter (token bucket per socket, then 1008)', () => {
  it('with the documented limits, lets the burst through a 3000-frame flood in 40 ms and turns abusive at the 20th refusal', () => {
    const flood = verdicts(Array.from({ length: 3000 }, (_, i) => Math.floor((i * 40) / 3000)));
    // 40 at once, plus 20/s × 40 ms of refill (0.8 of a token: none).
    expect(count(flood.slice(0, 60), 'allowed')).toBe(chatLimits.frameBurst);
    const firstAbuse = flood.indexOf('abusive');
    expect(firstAbuse).toBe(chatLimits.frameBurst + chatLimits.abuseRefusals - 1);
    expect(count(flood.slice(0, firstAbuse), 'limited')).toBe(chatLimits.abuseRefusals - 1);
  });

  it('never refuses a client within the rate, and refuses one at twice the rate about half the time without closing it for a while', () => {
    // 20 frames/s for 60 s: never refused.
    expect(count(verdicts(Array.from({ length: 1200 }, (_, i) => i * 50)), 'allowed')).toBe(1200);
    // 40 frames/s for 10 s: burst 40 + 20/s × 10 s allowed; the refusals come every 50 ms, so 20 of them fill 1 s < the 10 s window: abusive.
    const fast = verdicts(Array.from({ length: 400 }, (_, i) => i * 25));
    const until = fast.indexOf('abusive');
    expect(until).toBeGreaterThan(chatLimits.frameBurst);
    expect(count(fast.slice(0, until), 'limited')).toBe(chatLimits.abuseRefusals - 1);
  });

  it('takes its numbers from the limits given', () => {
    const limiter = createFrameLimiter(0, { framesPerSecond: 1, frameBurst: 2, abuseRefusals: 2, abuseWindowMs: 10_000 });
    expect(verdicts([0, 0, 0, 1000, 1000, 1000], limiter)).toEqual(['allowed', 'allowed', 'limited', 'allowed', 'abusive', 'abusive']);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../kit/config.js';
import { createLimits, type LimitsChange, type LimitVerdict } from './limits.js';
import { defaultLimitSettings, type LimitSettings } from './settings.js';

function setup(overrides: Partial<LimitSettings> = {}) {
  let now = 1_000;
  const changes: LimitsChange[] = [];
  const limits = createLimits({ ...defaultLimitSettings, ...overrides }, () => now);
  limits.onChange((change) => changes.push(change));
  return {
    limits,
    changes,
    advance: (ms: number) => void (now += ms),
  };
}

function outcomes(verdicts: readonly LimitVerdict[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const verdict of verdicts) counts[verdict.outcome] = (counts[verdict.outcome] ?? 0) + 1;
  return counts;
}

describe('limits: rate limiting', () => {
  it('answers a burst of B + 10 from one client with exactly B admissions and 10 refusals', () => {
    const { limits } = setup();
    const verdicts = Array.from({ length: 110 }, () => limits.admitClient('127.0.0.2'));
    expect(outcomes(verdicts)).toEqual({ allowed: 100, limited: 10 });
    expect(verdicts.slice(0, 100).every((verdict) => verdict.outcome === 'allowed')).toBe(true);
    // The next token is 20 ms away: Retry-After rounds up to one whole second.
    expect(verdicts[100]).toEqual({ outcome: 'limited', retryAfterS: 1 });
  });

  it('admits B + 10 s × rate ± 1 of an open-loop load at twice the rate for 10 s', () => {
    const { limits, advance } = setup();
    const verdicts: LimitVerdict[] = [];
    for (let i = 0; i < 1000; i++) {
      verdicts.push(limits.admitClient('127.0.0.2'));
      advance(10);
    }
    const admitted = outcomes(verdicts).allowed ?? 0;
    expect(Math.abs(admitted - (100 + 10 * 50))).toBeLessThanOrEqual(1);
  });

  it('computes Retry-After in whole seconds from the bucket', () => {
    const { limits } = setup({ rateLimitRps: 0.25, rateLimitBurst: 1 });
    expect(limits.admitClient('a').outcome).toBe('allowed');
    expect(limits.admitClient('a')).toEqual({ outcome: 'limited', retryAfterS: 4 });
  });

  it('keeps separate buckets per client address and per user', () => {
    const { limits } = setup({ rateLimitBurst: 2 });
    for (let i = 0; i < 2; i++) expect(limits.admitClient('a').outcome).toBe('allowed');
    expect(limits.admitClient('a').outcome).toBe('limited');
    expect(limits.admitClient('b').outcome).toBe('allowed');
    expect(limits.admitUser('a').outcome).toBe('allowed');
    expect(limits.admitUser('u1').outcome).toBe('allowed');
    expect(limits.admitUser('u1').outcome).toBe('allowed');
    expect(limits.admitUser('u1').outcome).toBe('limited');
    expect(limits.snapshot()).toMatchObject({ trackedClients: 2, trackedUsers: 2 });
  });

  it('turns rate limiting off at 0 requests per second', () => {
    const { limits } = setup({ rateLimitRps: 0, rateLimitBurst: 1 });
    expect(outcomes(Array.from({ length: 500 }, () => limits.admitClient('a')))).toEqual({ allowed: 500 });
  });

  it('applies new settings at once and rejects bad ones', () => {
    const { limits } = setup({ rateLimitBurst: 5 });
    expect(outcomes(Array.from({ length: 10 }, () => limits.admitClient('a')))).toEqual({ allowed: 5, limited: 5 });
    limits.configure({ ...limits.settings, rateLimitRps: 0 });
    expect(limits.admitClient('a').outcome).toBe('allowed');
    expect(() => limits.configure({ ...limits.settings, rateLimitBurst: 0 })).toThrow(ConfigError);
    expect(limits.settings.rateLimitRps).toBe(0);
  });

  it('forgets idle clients once their buckets are full again', () => {
    const { limits, advance } = setup();
    limits.admitClient('a');
    limits.admitUser('u');
    advance(19);
    limits.sweep();
    expect(limits.snapshot()).toMatchObject({ trackedClients: 1, trackedUsers: 1 });
    advance(1);
    limits.sweep();
    expect(limits.snapshot()).toMatchObject({ trackedClients: 0, trackedUsers: 0 });
  });
});

describe('limits: blacklist', () => {
  it('blocks a client after 20 refusals within 10 s, for 30 s, then lets it back', () => {
    const { limits, changes, advance } = setup();
    for (let i = 0; i < 19; i++) {
      limits.record('127.0.0.2', i % 2 === 0 ? 401 : 429);
      advance(500);
    }
    expect(limits.admitClient('127.0.0.2').outcome).toBe('allowed');
    limits.record('127.0.0.2', 401);
    expect(changes).toEqual([{ kind: 'blocked', client: '127.0.0.2', blockMs: 30_000 }]);
    expect(limits.admitClient('127.0.0.2')).toEqual({ outcome: 'blocked', retryAfterS: 30 });
    expect(limits.admitClient('127.0.0.3').outcome).toBe('allowed');
    expect(limits.snapshot()).toMatchObject({ blockedClients: 1, settings: defaultLimitSettings });
    advance(29_001);
    expect(limits.admitClient('127.0.0.2')).toEqual({ outcome: 'blocked', retryAfterS: 1 });
    advance(998);
    expect(limits.admitClient('127.0.0.2').outcome).toBe('blocked');
    advance(1);
    expect(limits.admitClient('127.0.0.2').outcome).toBe('allowed');
    expect(changes.at(-1)).toEqual({ kind: 'unblocked', client: '127.0.0.2' });
    expect(limits.snapshot().blockedClients).toBe(0);
  });

  it('counts only 401 and 429 answers, and only within the window', () => {
    const { limits, changes, advance } = setup({ blacklistThreshold: 3, blacklistWindowMs: 1_000 });
    for (const status of [200, 403, 404, 500, 503]) limits.record('a', status);
    limits.record('a', 401);
    limits.record('a', 401);
    advance(1_000);
    // The first two have left the window.
    limits.record('a', 401);
    limits.record('a', 401);
    expect(changes).toEqual([]);
    advance(999);
    limits.record('a', 429);
    expect(changes).toEqual([{ kind: 'blocked', client: 'a', blockMs: 30_000 }]);
  });

  it('starts counting afresh after a block and lifts ended blocks on a sweep', () => {
    const { limits, changes, advance } = setup({ blacklistThreshold: 2, blacklistBlockMs: 5_000 });
    limits.record('a', 401);
    limits.record('a', 401);
    limits.record('a', 401);
    advance(5_000);
    limits.sweep();
    expect(changes.map((change) => change.kind)).toEqual(['blocked', 'unblocked']);
    expect(limits.snapshot()).toMatchObject({ blockedClients: 0, watchedClients: 0 });
    limits.record('a', 401);
    expect(limits.admitClient('a').outcome).toBe('allowed');
  });

  it('never blocks with a threshold of 0', () => {
    const { limits, changes } = setup({ blacklistThreshold: 0 });
    for (let i = 0; i < 100; i++) limits.record('a', 401);
    expect(changes).toEqual([]);
    expect(limits.admitClient('a').outcome).toBe('allowed');
  });

  it('stays bounded under a flood of distinct addresses', () => {
    let now = 0;
    const limits = createLimits(defaultLimitSettings, () => now, { maxKeys: 50 });
    for (let i = 0; i < 500; i++) {
      limits.admitClient(`10.0.${i >> 8}.${i & 255}`);
      limits.record(`10.0.${i >> 8}.${i & 255}`, 401);
      now += 1;
    }
    expect(limits.snapshot()).toMatchObject({ trackedClients: 50, watchedClients: 50 });
  });
});

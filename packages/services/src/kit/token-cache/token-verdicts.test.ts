import { describe, expect, it } from 'vitest';
import { createTokenVerdicts } from './token-verdicts.js';

const start = Date.UTC(2030, 0, 1);

function setup(options: { maxEntries?: number } = {}) {
  let now = start;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const verdicts = createTokenVerdicts({ cacheTtlMs: 60_000, fallbackTtlMs: 1000, clock: clock.now, ...options });
  const facts = (jti: string, expInS = 900) => ({ sub: `user-${jti}`, username: 'alice', jti, exp: Math.floor(now / 1000) + expInS });
  return { verdicts, clock, facts };
}

describe('token verdicts', () => {
  it('keeps a verdict for min(cache TTL, token exp), keyed by the exact token', () => {
    const { verdicts, clock, facts } = setup();
    verdicts.remember('token-a', facts('a'));
    verdicts.remember('token-b', facts('b', 10));
    expect(verdicts.get('token-a')?.sub).toBe('user-a');
    expect(verdicts.get('token-a ')).toBeUndefined();
    clock.advance(10_000);
    expect(verdicts.get('token-b')).toBeUndefined();
    expect(verdicts.get('token-a')).toBeDefined();
    clock.advance(50_000);
    expect(verdicts.get('token-a')).toBeUndefined();
  });

  it('refuses a revoked jti at once, cached or not, until its exp', () => {
    const { verdicts, clock, facts } = setup();
    const a = facts('a', 5);
    verdicts.remember('token-a', a);
    verdicts.revoke('a', a.exp);
    expect(verdicts.get('token-a')).toBeUndefined();
    expect(verdicts.isRevoked('a')).toBe(true);
    verdicts.remember('token-a', a);
    expect(verdicts.get('token-a')).toBeUndefined();
    clock.advance(5000);
    expect(verdicts.isRevoked('a')).toBe(false);
  });

  it('while degraded counts every verdict only for the fallback TTL after it was checked', () => {
    const { verdicts, clock, facts } = setup();
    verdicts.remember('old', facts('old'));
    clock.advance(2000);
    verdicts.setDegraded(true);
    expect(verdicts.get('old')).toBeUndefined();
    verdicts.remember('new', facts('new'));
    clock.advance(999);
    expect(verdicts.get('new')).toBeDefined();
    clock.advance(1);
    expect(verdicts.get('new')).toBeUndefined();
  });

  it('never caches an expired token and stays within its size bound', () => {
    const { verdicts, facts } = setup({ maxEntries: 3 });
    verdicts.remember('expired', facts('x', 0));
    expect(verdicts.get('expired')).toBeUndefined();
    for (const name of ['a', 'b', 'c', 'd']) verdicts.remember(name, facts(name));
    expect(verdicts.size).toBe(3);
    expect(verdicts.get('a')).toBeUndefined();
    verdicts.clear();
    expect(verdicts.size).toBe(0);
  });
});

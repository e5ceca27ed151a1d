import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatHeartbeatAge, formatLease, formatRss, formatSeconds } from './format';

describe('format', () => {
  it('formats a clock time to the millisecond', () => {
    const epoch = new Date(2025, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatClock(epoch)).toBe('03:04:05.006');
  });

  it('formats durations by magnitude', () => {
    expect(formatDuration(0.423)).toBe('0.42 ms');
    expect(formatDuration(5.26)).toBe('5.3 ms');
    expect(formatDuration(120.4)).toBe('120 ms');
    expect(formatDuration(1250.4)).toBe('1250 ms');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('formats seconds, never negative', () => {
    expect(formatSeconds(1234)).toBe('1.2 s');
    expect(formatSeconds(-50)).toBe('0.0 s');
  });

  it('formats the heartbeat age and the lease countdown', () => {
    expect(formatHeartbeatAge(10_000, 11_200)).toBe('heartbeat 1.2 s ago');
    expect(formatHeartbeatAge(undefined, 11_200)).toBe('no heartbeat');
    expect(formatLease(15_100, 11_000)).toBe('lease 4.1 s');
    expect(formatLease(11_000, 11_000)).toBe('lease due');
    expect(formatLease(11_000, 11_000, true)).toBe('lease due');
    expect(formatLease(11_000, 11_000, false)).toBe('lease expired');
    expect(formatLease(undefined, 11_000)).toBe('no lease');
  });

  it('formats the RSS in whole MB', () => {
    expect(formatRss(61.7)).toBe('62 MB');
    expect(formatRss(undefined)).toBe('—');
  });
});

import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAuthList, parseDiscoveryList, parseDuration, parseNonNegativeDuration, parseSectionList, settingsFromFlags } from './bench-options.js';

describe('bench options', () => {
  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1.5s', 1500],
    ['2', 2000],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '10h', '-1s', '1 s', 's', '0', '0ms'])('refuses the duration %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
  });

  it('allows a zero warm-up', () => {
    expect(parseNonNegativeDuration('0')).toBe(0);
    expect(parseNonNegativeDuration('250ms')).toBe(250);
    expect(() => parseNonNegativeDuration('soon')).toThrow(InvalidArgumentError);
  });

  it('parses comma-separated lists, dropping duplicates and blanks', () => {
    expect(parseDiscoveryList('client,server')).toEqual(['client', 'server']);
    expect(parseAuthList('local, none,local')).toEqual(['local', 'none']);
    expect(parseSectionList('throughput,coldstart')).toEqual(['throughput', 'coldstart']);
  });

  it.each([
    [parseDiscoveryList, 'dns'],
    [parseAuthList, 'local,psychic'],
    [parseSectionList, 'speed'],
    [parseAuthList, ','],
  ])('refuses an unknown name in a list (%#)', (parse, text) => {
    expect(() => parse(text)).toThrow(InvalidArgumentError);
  });

  it('maps the flags to bench settings, leaving the rest to the defaults', () => {
    expect(settingsFromFlags({ duration: 1000, rounds: 1, only: ['throughput'], auth: ['remote'] })).toEqual({ durationMs: 1000, rounds: 1, sections: ['throughput'], auth: ['remote'] });
    expect(settingsFromFlags({})).toEqual({});
    expect(settingsFromFlags({ load: 'wrk' })).toEqual({ load: 'wrk' });
    expect(settingsFromFlags({ warmup: 0, connections: 8, rate: 50, sessions: 10, discovery: ['server'] })).toEqual({ warmupMs: 0, connections: 8, rate: 50, sessions: 10, discovery: ['server'] });
  });
});

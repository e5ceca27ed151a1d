import { describe, expect, it } from 'vitest';
import { isTopolabError } from '../errors/topolab-error.js';
import { defaultBenchSettings, normalizeBenchSettings } from './bench-settings.js';
import { describeCaveats } from './run-bench.js';
import type { ThroughputResult } from './bench-types.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isTopolabError(error) ? error.code : 'not a TopolabError';
  }
  return undefined;
}

describe('bench settings', () => {
  it('fill the defaults: every mode, none included, 10 s, 3 rounds, 32 connections', () => {
    const settings = normalizeBenchSettings();
    expect(settings).toEqual(defaultBenchSettings);
    expect(settings.auth).toContain('none');
    expect(settings.sections).toEqual(['throughput', 'revocation', 'failover', 'fanout', 'coldstart']);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('drop duplicates from the lists', () => {
    expect(normalizeBenchSettings({ auth: ['local', 'local', 'none'] }).auth).toEqual(['local', 'none']);
  });

  it('refuse unknown names and out-of-range numbers with CONFIG_INVALID', () => {
    expect(codeOf(() => normalizeBenchSettings({ auth: ['psychic' as 'local'] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ discovery: [] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ sections: ['speed' as 'throughput'] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ rounds: 0 }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ connections: 2.5 }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ durationMs: 10 }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => normalizeBenchSettings({ warmupMs: 0 }))).toBeUndefined();
    expect(codeOf(() => normalizeBenchSettings({ load: 'ab' as 'wrk' }))).toBe('CONFIG_INVALID');
  });

  it('load with autocannon unless wrk is asked for', () => {
    expect(normalizeBenchSettings().load).toBe('autocannon');
    expect(normalizeBenchSettings({ load: 'wrk' }).load).toBe('wrk');
  });
});

describe('describeCaveats', () => {
  const noneRow = (missing?: string) => ({
    id: 'client/none',
    kind: 'gateway' as const,
    modes: { discovery: 'client' as const, auth: 'none' as const },
    samples: [],
    ...(missing ? { missing } : { median: { requestsPerSec: 100, latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 }, errors: 0, non2xx: 0 } }),
  });
  const throughput = (none: ReturnType<typeof noneRow> | undefined): ThroughputResult => ({
    rows: [{ id: 'direct', kind: 'direct', samples: [] }, ...(none ? [none] : [])],
    rounds: [],
    plan: [],
    loadGenerator: 'connections 32, 1 autocannon worker',
  });

  it('names the load generator and the cores it shares', () => {
    const notes = describeCaveats({ cpus: 2 }, throughput(undefined));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('connections 32, 1 autocannon worker');
    expect(notes[0]).toContain('2 cores');
  });

  it('says the CPU figures are n/a where there is no /proc', () => {
    expect(describeCaveats({ cpus: 2 }, { ...throughput(undefined), cpuMeasured: false }).some((note) => note.includes('n/a'))).toBe(true);
    expect(describeCaveats({ cpus: 2 }, { ...throughput(undefined), cpuMeasured: true })).toHaveLength(1);
  });

  it('says what the none rows measure when they ran', () => {
    const notes = describeCaveats({ cpus: 2 }, throughput(noneRow()));
    expect(notes.some((note) => note.includes('bench-only auth mode none'))).toBe(true);
  });

  it('says why a row is missing, and nothing without a throughput section', () => {
    const notes = describeCaveats({ cpus: 2 }, throughput(noneRow('the gateway refused client/none')));
    expect(notes.some((note) => note.includes('client/none is missing: the gateway refused'))).toBe(true);
    expect(notes.some((note) => note.includes('bench-only auth mode none'))).toBe(false);
    expect(describeCaveats({ cpus: 2 }, undefined)).toEqual([]);
  });
});

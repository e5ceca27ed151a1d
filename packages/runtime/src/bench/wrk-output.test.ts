import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTopolabError } from '../errors/topolab-error.js';
import { requireWrk, splitConnections, wrkArgs, wrkHeadersScript } from './wrk-load.js';
import { combineLoadSamples, parseWrkOutput, parseWrkTime } from './wrk-output.js';

// Captured from Debian's wrk 4.1.0 on the 2-core machine: against a local nginx (200s, 404s,
// a run ended by SIGINT) and against a Node server that drops connections.
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/wrk/${name}`, import.meta.url), 'utf8');

describe('parseWrkOutput', () => {
  it('reads requests, req/s and the latency distribution of a clean run', () => {
    expect(parseWrkOutput(fixture('nginx-200.txt'))).toEqual({
      requestsPerSec: 33983.9,
      requests: 72093,
      latencyMs: { p50: 0.35, p90: 42.32, p99: 143.73, max: 172.31 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      durationMs: 2120,
    });
  });

  it('counts the Non-2xx or 3xx answers', () => {
    expect(parseWrkOutput(fixture('nginx-404.txt'))).toMatchObject({ requests: 59341, non2xx: 59341, errors: 0, latencyMs: { p50: 0.321, p90: 0.843, p99: 5.19, max: 9.99 } });
  });

  it('counts every socket error, timeouts apart too', () => {
    expect(parseWrkOutput(fixture('socket-errors.txt'))).toMatchObject({ requests: 753, requestsPerSec: 375.4, errors: 15, timeouts: 0, non2xx: 0 });
    const timedOut = fixture('socket-errors.txt').replace('timeout 0', 'timeout 4');
    expect(parseWrkOutput(timedOut)).toMatchObject({ errors: 19, timeouts: 4 });
  });

  it('reads a run ended early by SIGINT (its duration in ms)', () => {
    expect(parseWrkOutput(fixture('nginx-interrupted.txt'))).toMatchObject({ requests: 33077, durationMs: 713.88, requestsPerSec: 46333.86 });
  });

  it('throws with what wrk said when it printed no result', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(/unable to connect/);
  });

  it('reads wrk’s time units', () => {
    expect(parseWrkTime('186.00us')).toBeCloseTo(0.186);
    expect(parseWrkTime('1.5s')).toBe(1500);
    expect(parseWrkTime('2m')).toBe(120_000);
    expect(parseWrkTime('fast')).toBeNaN();
  });
});

describe('several wrk runs', () => {
  it('combine: counts summed, percentiles weighted by requests, the max the largest', () => {
    const a = parseWrkOutput(fixture('nginx-200.txt'));
    const b = parseWrkOutput(fixture('nginx-404.txt'));
    const both = combineLoadSamples([a, b]);
    expect(both.requests).toBe(72093 + 59341);
    expect(both.requestsPerSec).toBeCloseTo(33983.9 + 59185.76);
    expect(both.non2xx).toBe(59341);
    expect(both.latencyMs.p50).toBeCloseTo((0.35 * 72093 + 0.321 * 59341) / (72093 + 59341));
    expect(both.latencyMs.max).toBe(172.31);
    expect(both.durationMs).toBe(2120);
    expect(combineLoadSamples([a])).toBe(a);
  });

  it('split the connections between the URLs, each at least one', () => {
    expect(splitConnections(32, 2)).toEqual([16, 16]);
    expect(splitConnections(5, 2)).toEqual([3, 2]);
    expect(splitConnections(1, 2)).toEqual([1, 1]);
  });

  it('each run one thread, whole seconds, the headers from a script', () => {
    expect(wrkArgs('http://127.0.0.1:1/profile/me', { connections: 16, durationMs: 1500, timeoutMs: 10_000, script: '/tmp/x/headers.lua' })).toEqual([
      '-t1',
      '-c16',
      '-d2s',
      '--timeout',
      '10s',
      '--latency',
      '-s',
      '/tmp/x/headers.lua',
      'http://127.0.0.1:1/profile/me',
    ]);
    expect(wrkArgs('http://127.0.0.1:1/', { connections: 1, durationMs: 3000, timeoutMs: 400 })).toEqual(['-t1', '-c1', '-d3s', '--timeout', '1s', '--latency', 'http://127.0.0.1:1/']);
  });

  it('set the headers in Lua, off the command line (where every user could read a token)', () => {
    expect(wrkHeadersScript({ authorization: 'Bearer a.b.c', 'x-odd': 'say "hi" \\ bye' })).toBe('wrk.headers["authorization"] = "Bearer a.b.c"\nwrk.headers["x-odd"] = "say \\"hi\\" \\\\ bye"\n');
    expect(wrkHeadersScript({})).toBe('');
  });
});

describe('requireWrk', () => {
  it('answers the binary, or BENCH_WRK_MISSING (exit 3) with the apt-get hint', () => {
    expect(requireWrk(() => '/usr/bin/wrk')).toBe('/usr/bin/wrk');
    let error: unknown;
    try {
      requireWrk(() => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(isTopolabError(error) && error.code).toBe('BENCH_WRK_MISSING');
    expect(isTopolabError(error) && error.exitCode).toBe(3);
    expect(isTopolabError(error) && error.hint).toContain('apt-get install wrk');
  });
});

import type { LatencyFigures, LoadSample } from './bench-types.js';

const timeUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `186.00us`, `0.97ms`, `2.12s`, as wrk prints a time, in ms; NaN for anything else. */
export function parseWrkTime(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return match[2] === 'us' ? Number(match[1]) / 1000 : Number(match[1]) * timeUnits[match[2]!]!;
}

/**
 * Reads what `wrk --latency` printed (one run):
 *
 * ```
 *   Thread Stats   Avg      Stdev     Max   +/- Stdev
 *     Latency    11.20ms   28.77ms 172.31ms   89.59%
 *   Latency Distribution
 *      50%  350.00us
 *      …
 *      99%  143.73ms
 *   72093 requests in 2.12s, 12.03MB read
 *   Non-2xx or 3xx responses: 12     (only when there were some)
 *   Socket errors: connect 0, read 15, write 0, timeout 0     (likewise)
 * Requests/sec:  33983.90
 * ```
 *
 * The requests, req/s, p50/p90/p99 (from the distribution) and max latency; `non2xx` counts
 * wrk's "Non-2xx or 3xx" answers, `errors` every socket error (timeouts included). Throws when
 * the text has no request count (wrk failed: the text says why).
 */
export function parseWrkOutput(text: string): LoadSample {
  const summary = /^\s*(\d+) requests in ([\d.]+(?:us|ms|s|m|h)),/m.exec(text);
  if (!summary) throw new Error(`wrk printed no result: ${text.trim().split('\n').slice(-3).join(' | ') || '(nothing)'}`);
  const requests = Number(summary[1]);
  const durationMs = parseWrkTime(summary[2]!);
  const perSec = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(text);
    return match ? parseWrkTime(match[1]!) : Number.NaN;
  };
  const latencyLine = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(text);
  const latencyMs: LatencyFigures = { p50: percentile(50), p90: percentile(90), p99: percentile(99), max: latencyLine ? parseWrkTime(latencyLine[3]!) : Number.NaN };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const [connect, read, write, timeout] = socket ? socket.slice(1, 5).map(Number) : [0, 0, 0, 0];
  return {
    requestsPerSec: perSec ? Number(perSec[1]) : requests / (durationMs / 1000),
    requests,
    latencyMs,
    errors: connect! + read! + write! + timeout!,
    timeouts: timeout!,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    durationMs,
  };
}

/**
 * Several load runs side by side (one wrk per URL) as one: requests, req/s, errors summed; each
 * latency percentile the mean of the runs' weighted by their requests (an approximation: each
 * run has its own histogram), the max the largest.
 */
export function combineLoadSamples(samples: readonly LoadSample[]): LoadSample {
  if (samples.length === 1) return samples[0]!;
  const requests = samples.reduce((sum, s) => sum + s.requests, 0);
  const sum = (pick: (s: LoadSample) => number) => samples.reduce((total, s) => total + pick(s), 0);
  const weighted = (pick: (s: LoadSample) => number) => (requests > 0 ? samples.reduce((total, s) => total + pick(s) * s.requests, 0) / requests : Number.NaN);
  return {
    requestsPerSec: sum((s) => s.requestsPerSec),
    requests,
    latencyMs: { p50: weighted((s) => s.latencyMs.p50), p90: weighted((s) => s.latencyMs.p90), p99: weighted((s) => s.latencyMs.p99), max: Math.max(...samples.map((s) => s.latencyMs.max)) },
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    non2xx: sum((s) => s.non2xx),
    durationMs: Math.max(...samples.map((s) => s.durationMs)),
  };
}

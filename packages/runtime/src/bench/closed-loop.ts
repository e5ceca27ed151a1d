import { performance } from 'node:perf_hooks';
import { latencyFigures } from './bench-stats.js';
import type { LoadSample } from './bench-types.js';

/** One closed-loop load run. */
export interface ClosedLoopOptions {
  /** The full URL of the request; several spread the connections over them (round robin). */
  readonly urls: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationMs: number;
  /** A request without an answer after this counts as a timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Ends the run early (its figures cover the time it ran). */
  readonly signal?: AbortSignal;
}

/**
 * Runs autocannon in this process (one worker: the load generator shares the machine with
 * what it measures) for `durationMs` with `connections` keep-alive connections, each sending
 * its next `GET` as soon as the previous answer arrived. Latencies are taken from every
 * answer with sub-millisecond resolution (autocannon's own histogram rounds to whole ms).
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadSample> {
  // Loaded on first use: autocannon and what it pulls in (hdr-histogram, pako, mime-db) cost
  // every `topolab up` ~90 ms of start-up when the runtime's index imported them eagerly.
  const { default: autocannon } = await import('autocannon');
  const latencies: number[] = [];
  const started = performance.now();
  const instance = autocannon({
    url: options.urls.length === 1 ? options.urls[0]! : [...options.urls],
    connections: options.connections,
    duration: options.durationMs / 1000,
    timeout: Math.max(1, Math.round((options.timeoutMs ?? 10_000) / 1000)),
    headers: { ...options.headers },
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.push(responseTimeMs);
  });
  const stop = () => instance.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const result = await instance;
  options.signal?.removeEventListener('abort', stop);
  const durationMs = performance.now() - started;
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, entry) => sum + Number(entry.count), 0);
  return {
    requestsPerSec: answered / (durationMs / 1000),
    requests: answered,
    latencyMs: latencyFigures(latencies),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationMs,
  };
}

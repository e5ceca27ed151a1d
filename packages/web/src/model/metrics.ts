/**
 * Requests per second and p99 latency per second over the last minute, from the gateways'
 * request roots (sampled requests only: the spans the instances send). Pure: no DOM.
 */
import type { Span } from '../protocol';

/** One second of the chart. */
export interface SecondBucket {
  /** Epoch ms at the start of the second. */
  readonly startMs: number;
  /** Requests that started in this second. */
  readonly count: number;
  /** p99 of their durations, ms; undefined without requests. */
  readonly p99Ms: number | undefined;
}

/** The `q` quantile (0..1) of `values` by nearest rank; undefined when there are none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/** A request as the charts count it. */
export interface RequestSample {
  readonly start: number;
  readonly durationMs: number;
}

/**
 * The last `seconds` whole seconds up to the one holding `nowMs` (it included, oldest first),
 * each with its request count and p99.
 */
export function secondBuckets(samples: readonly RequestSample[], nowMs: number, seconds = 60): SecondBucket[] {
  const lastStart = Math.floor(nowMs / 1000) * 1000;
  const firstStart = lastStart - (seconds - 1) * 1000;
  const durations: number[][] = Array.from({ length: seconds }, () => []);
  for (const sample of samples) {
    const index = Math.floor((sample.start - firstStart) / 1000);
    if (index >= 0 && index < seconds) durations[index]!.push(sample.durationMs);
  }
  return durations.map((list, index) => ({ startMs: firstStart + index * 1000, count: list.length, p99Ms: quantile(list, 0.99) }));
}

/** The request roots of the last minute or so, for the charts. */
export class RequestSamples {
  private samples: (RequestSample & { readonly spanId: string })[] = [];
  private seen = new Set<string>();

  /** Keeps samples that started within `keepMs` of the newest time given to prune. */
  constructor(private readonly keepMs = 65_000) {}

  /** Forgets every sample (a new `hello`). */
  clear(): void {
    this.samples = [];
    this.seen.clear();
  }

  /** Adds request roots (a span id seen before is not counted twice). */
  add(roots: readonly Span[]): void {
    for (const root of roots) {
      if (this.seen.has(root.spanId)) continue;
      this.seen.add(root.spanId);
      this.samples.push({ spanId: root.spanId, start: root.start, durationMs: root.durationMs });
    }
  }

  /** Drops samples older than the window before `nowMs`. */
  prune(nowMs: number): void {
    const oldest = nowMs - this.keepMs;
    if (this.samples.every((sample) => sample.start >= oldest)) return;
    this.samples = this.samples.filter((sample) => sample.start >= oldest);
    this.seen = new Set(this.samples.map((sample) => sample.spanId));
  }

  /** The samples kept. */
  list(): readonly RequestSample[] {
    return this.samples;
  }
}

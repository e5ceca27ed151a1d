import type { ScenarioContext } from '@topolab/runtime/dsl';

/** One request of a load: when it was sent and how it ended. */
export interface LoadSample {
  /** Epoch ms. */
  readonly sentAt: number;
  /** HTTP status; 0 when no answer came (the client timed out or could not connect). */
  readonly status: number;
  /** The error code of the answer, or of the client failure. */
  readonly code: string | undefined;
  readonly durationMs: number;
}

/** What a load did, once stopped. */
export interface LoadReport {
  readonly samples: readonly LoadSample[];
  /** Samples whose answer was not the expected status. */
  readonly failed: readonly LoadSample[];
}

/** A stream of requests running in the background of a story. */
export interface Load {
  /** Samples so far. */
  readonly samples: readonly LoadSample[];
  /** Stops sending, waits for the requests in flight, and reports; later calls return the same report. */
  stop(): Promise<LoadReport>;
}

/** Options of startLoad. */
export interface LoadOptions {
  /** Time from one request's start to the next one's, per worker. @default 10 */
  readonly intervalMs?: number;
  /** Requests in flight at once. @default 1 */
  readonly workers?: number;
  /** The status a served request answers. @default 200 */
  readonly expectStatus?: number;
  /** The stream stops by itself after this long, even if nobody calls stop (a failed step). @default 20000 */
  readonly maxDurationMs?: number;
}

/**
 * Sends `send()` again and again (each worker sequentially, paced at `intervalMs`) until
 * stopped. A thrown client error (timeout, unreachable) is a failed sample, never a crash.
 * Prefer `withLoad`, which stops the stream however the story ends.
 */
export function startLoad(ctx: ScenarioContext, send: () => Promise<{ status: number; body: unknown }>, options: LoadOptions = {}): Load {
  const intervalMs = options.intervalMs ?? 10;
  const expectStatus = options.expectStatus ?? 200;
  const deadline = Date.now() + (options.maxDurationMs ?? 20_000);
  const samples: LoadSample[] = [];
  let running = true;
  let report: Promise<LoadReport> | undefined;

  async function work(): Promise<void> {
    while (running && Date.now() < deadline) {
      const sentAt = Date.now();
      try {
        const answer = await send();
        samples.push({ sentAt, status: answer.status, code: errorCodeOf(answer.body), durationMs: Date.now() - sentAt });
      } catch (error) {
        samples.push({ sentAt, status: 0, code: (error as { code?: string }).code ?? String(error), durationMs: Date.now() - sentAt });
      }
      const wait = intervalMs - (Date.now() - sentAt);
      // Pacing the stream is the one place a story sleeps.
      if (!running || wait <= 0) continue;
      try {
        await ctx.sleep(wait);
      } catch {
        // The scenario was stopped (its timeout): so is the stream.
        return;
      }
    }
  }

  const workers = Array.from({ length: options.workers ?? 1 }, () => work());
  return {
    samples,
    stop() {
      running = false;
      report ??= Promise.all(workers).then(() => ({ samples: [...samples], failed: samples.filter((sample) => sample.status !== expectStatus) }));
      return report;
    },
  };
}

/** Runs `story` with a load in the background, and stops the load however the story ends. */
export async function withLoad<T>(ctx: ScenarioContext, send: () => Promise<{ status: number; body: unknown }>, options: LoadOptions, story: (load: Load) => Promise<T>): Promise<T> {
  const load = startLoad(ctx, send, options);
  try {
    return await story(load);
  } finally {
    await load.stop();
  }
}

/** The error code of a `{ error: { code } }` body, or undefined. */
export function errorCodeOf(body: unknown): string | undefined {
  return (body as { error?: { code?: unknown } } | undefined)?.error?.code as string | undefined;
}

/** `3 × 502 GATEWAY_UPSTREAM_UNREACHABLE, 1 × 0 CLIENT_TIMEOUT`, for a note or a failure message. */
export function describeFailures(failed: readonly LoadSample[]): string {
  const counts = new Map<string, number>();
  for (const sample of failed) {
    const key = `${sample.status} ${sample.code ?? ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count} × ${key}`).join(', ') || 'none';
}

import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** One request of an open-loop run; times in ms since the start of the run. */
export interface OpenLoopRecord {
  readonly sentAt: number;
  doneAt: number | undefined;
  /** The HTTP status; undefined when no answer came. */
  status: number | undefined;
  /** `timeout`, or the network error's message. */
  error: string | undefined;
}

/** An open-loop constant-rate load. */
export interface OpenLoopOptions {
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** Send from this local address (a limiter keyed on the client address sees a new client). */
  readonly localAddress?: string;
  /** Called before each request leaves, with the ms elapsed since the start. */
  readonly onTick?: (elapsedMs: number) => void;
}

/**
 * Sends `GET url` on a fixed schedule whatever the answers (a closed loop would slow down
 * when the system fails and hide the failures). Resolves with one record per request once
 * every request has an answer, an error or a timeout.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopRecord[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL(options.url);
  const timeout = options.timeoutMs ?? 2000;
  const records: OpenLoopRecord[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round((options.rate * options.durationMs) / 1000);

  const send = () =>
    new Promise<void>((resolve) => {
      const record: OpenLoopRecord = { sentAt: performance.now() - started, doneAt: undefined, status: undefined, error: undefined };
      records.push(record);
      const finish = () => {
        record.doneAt = performance.now() - started;
        resolve();
      };
      const req = request(target, { method: 'GET', headers: { ...options.headers }, agent, timeout, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, (res) => {
        res.resume();
        res.on('end', () => {
          record.status = res.statusCode;
          finish();
        });
        res.on('error', (error) => {
          record.error = error.message;
          finish();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        record.error = error.message;
        finish();
      });
      req.end();
    });

  try {
    for (let i = 0; i < total; i++) {
      const wait = (i * 1000) / options.rate - (performance.now() - started);
      if (wait > 1) await delay(wait);
      options.onTick?.(performance.now() - started);
      pending.push(send());
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return records;
}

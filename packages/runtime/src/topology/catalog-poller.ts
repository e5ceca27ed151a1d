import { Agent } from 'node:http';
import type { Catalog } from '@topolab/services/contract';
import { sendHttpRequest } from '../client/http-request.js';
import { createTraceId } from '@topolab/services/contract';

/** Options of startCatalogPoller. */
export interface CatalogPollerOptions {
  /** `http://127.0.1.1:41234`. */
  readonly registryUrl: string;
  /** @default 500 */
  readonly intervalMs?: number;
  readonly onCatalog: (catalog: Catalog) => void;
  /**
   * Parent span id put in the `traceparent` of every poll, so the topology can tell the
   * registry's spans of these polls from user traffic and leave them out of counts and traces.
   */
  readonly markerSpanId: string;
}

/** A running poller. */
export interface CatalogPoller {
  stop(): void;
}

/** Reads the registry's `GET /v1/catalog` now and then every interval; failures are skipped silently. The timer never keeps the process alive. */
export function startCatalogPoller(options: CatalogPollerOptions): CatalogPoller {
  const intervalMs = options.intervalMs ?? 500;
  const url = new URL('/v1/catalog', options.registryUrl);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  const poll = async () => {
    try {
      const response = await sendHttpRequest({
        url,
        agent,
        timeoutMs: Math.max(intervalMs * 2, 1000),
        headers: { traceparent: `00-${createTraceId()}-${options.markerSpanId}-01` },
      });
      if (!stopped && response.status === 200 && typeof response.body === 'object' && response.body !== null) {
        options.onCatalog(response.body as Catalog);
      }
    } catch {
      // The registry may be down (a fault); the next poll tries again.
    }
    if (stopped) return;
    timer = setTimeout(() => void poll(), intervalMs);
    timer.unref();
  };
  void poll();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      agent.destroy();
    },
  };
}

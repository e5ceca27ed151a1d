import { useEffect, useState } from 'react';
import type { Topology } from '@topolab/runtime';
import { RequestStore, type RequestStoreOptions, type RequestTrace } from '@topolab/runtime/trace-model';

/** Options of useRequests. */
export interface UseRequestsOptions extends RequestStoreOptions {
  /**
   * Wait after a span of a shown request arrived before drawing, so the spans other instances
   * send a moment later land in the same frame (and a busy topology redraws at most this often).
   * @default 100
   */
  readonly settleMs?: number;
}

/** The recent requests that went through a gateway, newest first, from the topology's `spans` events. */
export function useRequests(topology: Pick<Topology, 'events'>, options: UseRequestsOptions = {}): readonly RequestTrace[] {
  // The terminal shows fewer requests than the web page, and keeps more traces waiting for their root.
  const { settleMs = 100, maxRequests = 50, maxPending = 500, maxSpansPerTrace = 200 } = options;
  const [requests, setRequests] = useState<readonly RequestTrace[]>([]);
  useEffect(() => {
    const store = new RequestStore({ maxRequests, maxPending, maxSpansPerTrace });
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = topology.events.subscribe((event) => {
      if (event.type !== 'spans' || store.add(event.spans).traceIds.size === 0 || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        setRequests(store.list());
      }, settleMs);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [topology, settleMs, maxRequests, maxPending, maxSpansPerTrace]);
  return requests;
}

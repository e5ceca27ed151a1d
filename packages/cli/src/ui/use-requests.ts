import { useEffect, useState } from 'react';
import type { Topology } from '@topolab/runtime';
import { createRequestTraces, type RequestTrace, type RequestTracesOptions } from './request-traces.js';

/** Options of useRequests. */
export interface UseRequestsOptions extends RequestTracesOptions {
  /**
   * Wait after a span of a shown request arrived before drawing, so the spans other instances
   * send a moment later land in the same frame (and a busy topology redraws at most this often).
   * @default 100
   */
  readonly settleMs?: number;
}

/** The recent requests that went through a gateway, newest first, from the topology's `spans` events. */
export function useRequests(topology: Pick<Topology, 'events'>, options: UseRequestsOptions = {}): readonly RequestTrace[] {
  const { settleMs = 100, capacity, pendingCapacity, spansPerTrace } = options;
  const [requests, setRequests] = useState<readonly RequestTrace[]>([]);
  useEffect(() => {
    const traces = createRequestTraces({ capacity, pendingCapacity, spansPerTrace });
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = topology.events.subscribe((event) => {
      if (event.type !== 'spans' || !traces.add(event.spans) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        setRequests(traces.list());
      }, settleMs);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [topology, settleMs, capacity, pendingCapacity, spansPerTrace]);
  return requests;
}

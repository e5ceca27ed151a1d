import type { SupervisorEvent } from '../supervisor/supervisor-events.js';

/** Everything a topology reports: its instances' events plus its own milestones. */
export type TopologyEvent =
  | SupervisorEvent
  /** Every instance reported ready. */
  | { readonly type: 'topology.ready'; readonly time: number; readonly readyMs: number; readonly gatewayUrl: string; readonly registryUrl: string }
  /** stop() was called; instances are being stopped. */
  | { readonly type: 'topology.stopping'; readonly time: number }
  /** Every child is gone. */
  | { readonly type: 'topology.stopped'; readonly time: number };

/** Receives topology events. */
export type TopologyEventListener = (event: TopologyEvent) => void;

/** A minimal typed event channel: subscribe returns its own unsubscribe. */
export interface TopologyEvents {
  /** Adds a listener; call the returned function to remove it. */
  subscribe(listener: TopologyEventListener): () => void;
}

/** The topology's event hub: `emit` for the topology, `subscribe` for everyone else. */
export interface TopologyEventHub extends TopologyEvents {
  emit(event: TopologyEvent): void;
}

/** Creates an event hub; a listener that throws does not keep the others from hearing the event. */
export function createTopologyEventHub(): TopologyEventHub {
  const listeners = new Set<TopologyEventListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      let failure: unknown;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          failure ??= error;
        }
      }
      // Surface the first listener bug where it belongs: outside the supervisor's own bookkeeping.
      if (failure !== undefined) queueMicrotask(() => {
        throw failure;
      });
    },
  };
}

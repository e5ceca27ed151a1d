import type { SupervisorEvent } from '../supervisor/supervisor-events.js';
import type { FaultAction } from './faults.js';
import type { TopologyModes } from './topology-modes.js';

/** Everything a topology reports: its instances' events plus its own milestones. */
export type TopologyEvent =
  | SupervisorEvent
  /** Every instance reported ready, dns#1 answers and `beforeReady` finished (control.json written, for `topolab up`). */
  | { readonly type: 'topology.ready'; readonly time: number; readonly readyMs: number; readonly gatewayUrl: string; readonly registryUrl: string }
  /** Every gateway switched to `modes` (setModes). */
  | { readonly type: 'topology.modes'; readonly time: number; readonly modes: TopologyModes; readonly previous: TopologyModes }
  /** A fault or a scale was carried out; `target` is the instance id (the service for `scale`). */
  | { readonly type: 'topology.fault'; readonly time: number; readonly action: FaultAction | 'scale'; readonly target: string; readonly detail: string }
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

import type { Telemetry } from '../../kit/telemetry.js';
import type { Limits } from './limits.js';

/** Options of attachLimits. */
export interface AttachLimitsOptions {
  readonly telemetry: Telemetry;
  /** Epoch ms now, for the `until` of a block. @default Date.now */
  readonly clock?: () => number;
  /** How often ended blocks are lifted and idle state dropped when no request comes. @default 1000 */
  readonly sweepEveryMs?: number;
}

/**
 * Connects the limits to a running gateway: reports `gateway.client.blocked { client, until }`
 * (until in epoch ms) and `gateway.client.unblocked { client }`, and sweeps on a timer so a
 * block ends on time even when the client stays away. Returns the detach function.
 */
export function attachLimits(limits: Limits, options: AttachLimitsOptions): () => void {
  const { telemetry } = options;
  const clock = options.clock ?? Date.now;
  const unsubscribe = limits.onChange((change) => {
    if (change.kind === 'blocked') telemetry.event('gateway.client.blocked', { client: change.client, until: clock() + change.blockMs });
    else telemetry.event('gateway.client.unblocked', { client: change.client });
  });
  const sweeper = setInterval(() => limits.sweep(), options.sweepEveryMs ?? 1000);
  sweeper.unref();
  return () => {
    clearInterval(sweeper);
    unsubscribe();
  };
}

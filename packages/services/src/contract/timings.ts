/** Every duration the topology uses, in milliseconds. */
export interface Timings {
  /** How often an instance renews its lease with the registry. */
  readonly heartbeatMs: number;
  /** Missed heartbeats after which the registry evicts an instance. */
  readonly missedHeartbeats: number;
  /** How often the registry's sweeper looks for expired leases. */
  readonly sweepIntervalMs: number;
  /** How often a discovery client refreshes its catalog besides the push stream. */
  readonly catalogRefreshMs: number;
  /**
   * Idle time between two chunks of a client's request body after which the gateway and the lb
   * answer 408 (nginx's `client_body_timeout`); reset by every chunk, paused while the upstream
   * is the one not reading.
   */
  readonly clientBodyTimeoutMs: number;
}

/** `compressed` runs scenarios in seconds; `realistic` uses Eureka's production defaults. */
export type TimingsPreset = 'compressed' | 'realistic';

/** The two presets of `--timings`. */
export const timingsPresets: Readonly<Record<TimingsPreset, Timings>> = Object.freeze({
  compressed: Object.freeze({ heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000, clientBodyTimeoutMs: 3_000 }),
  // Eureka: 30 s renewal, 90 s lease, 30 s client registry fetch; 10 s of client body silence (nginx waits 60 s).
  realistic: Object.freeze({ heartbeatMs: 30_000, missedHeartbeats: 3, sweepIntervalMs: 5_000, catalogRefreshMs: 30_000, clientBodyTimeoutMs: 10_000 }),
});

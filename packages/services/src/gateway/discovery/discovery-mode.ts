import type { DiscoveryModeName } from '../../contract/modes.js';
import type { RouteEntry } from '../../contract/registry-api.js';
import type { AttemptResult, Upstream } from '../../kit/proxy/upstream.js';

export { discoveryModeNames, type DiscoveryModeName } from '../../contract/modes.js';
export type { Upstream } from '../../kit/proxy/upstream.js';

/** One discovery mode. The pipeline reads the active one per request from the modes holder. */
export interface DiscoveryMode {
  readonly name: DiscoveryModeName;
  /** Picks the upstream for one attempt at `route`, skipping the ids in `exclude`; undefined when none is left. */
  pick(route: RouteEntry, exclude?: ReadonlySet<string>): Upstream | undefined;
  /** Reports that `upstream` refused a connection, so later picks avoid it. */
  refused(upstream: Upstream): void;
  /** Reports how an attempt at `upstream` ended (passive health check); modes without one leave it out. */
  settled?(upstream: Upstream, result: AttemptResult): void;
  /** Silence after which an attempt through this mode times out. @default the gateway's upstream timeout */
  readonly attemptTimeoutMs?: number;
  /** Releases what the mode holds (listeners, timers) when it is replaced or the gateway stops. */
  close(): void;
}

import type { RouteEntry } from '../../contract/registry-api.js';

/** The discovery modes the gateway knows (`--discovery`). */
export const discoveryModeNames = ['client'] as const;

/**
 * How the gateway finds the instance for a request.
 * `client`: it picks an instance itself from its cached copy of the registry.
 */
export type DiscoveryModeName = (typeof discoveryModeNames)[number];

/** Where one proxied attempt goes. */
export interface Upstream {
  /** Instance id shown in spans (`profile#2`). */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** When the registry registered this incarnation (epoch ms); tells a restarted instance from the one that failed. */
  readonly registeredAt?: number;
}

/** One discovery mode. The pipeline reads the active one per request from the modes holder. */
export interface DiscoveryMode {
  readonly name: DiscoveryModeName;
  /** Picks the upstream for one attempt at `route`, skipping the ids in `exclude`; undefined when none is left. */
  pick(route: RouteEntry, exclude?: ReadonlySet<string>): Upstream | undefined;
  /** Reports that `upstream` refused a connection, so later picks avoid it. */
  refused(upstream: Upstream): void;
  /** Releases what the mode holds (listeners, timers) when it is replaced or the gateway stops. */
  close(): void;
}

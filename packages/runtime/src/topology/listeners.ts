import { envNames, type ServiceListener, type ServiceSpec } from '@topolab/services/contract';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { planAddress } from './addresses.js';
import type { EdgePlan, GatewayListen } from './edge-plan.js';
import type { PortClaim } from './port-check.js';
import { dnsPortClaims, gatewayPortClaims } from './port-claims.js';
import type { NormalizedTopologyOptions } from './topology-options.js';

/** Where an instance is to listen; a gateway's edge listeners besides. */
export interface PlannedListen {
  readonly host: string;
  readonly port: number;
  readonly gateway?: GatewayListen;
}

/**
 * What a listener kind (the manifest's `listener`) adds to an instance's start: where it
 * listens, its variables, the ports a flag pinned, and what the topology learns once it runs.
 */
export interface Listener {
  addressOf(spec: ServiceSpec, index: number): Promise<PlannedListen>;
  env(planned: PlannedListen): Promise<Record<string, string>>;
  /** The ports it binds at a number a flag pinned (`--port`, `--https-port`, `--dns-port`). */
  pinnedClaims(planned: PlannedListen, index: number): PortClaim[];
  started(info: InstanceInfo): void;
  failed(error: unknown): void;
}

/** The listeners of one topology: the gateways' edge (edge-plan.ts) and dns's pinned port, kept across its restarts. */
export function createListeners(options: Pick<NormalizedTopologyOptions, 'tls' | 'dnsPort'>, edge: EdgePlan): Readonly<Record<ServiceListener, Listener>> {
  let dnsPort: number | undefined;
  return {
    edge: {
      async addressOf(_spec, index) {
        const gateway = await edge.listenOf(index);
        return { host: gateway.host, port: gateway.port, gateway };
      },
      env: async (planned) => (planned.gateway ? edge.envOf(planned.gateway) : {}),
      pinnedClaims: (planned, index) => (planned.gateway ? gatewayPortClaims({ ...planned.gateway, port: planned.port }, index, options.tls) : []),
      started: (info) => edge.learn(info),
      failed: (error) => edge.fail(error),
    },
    dns: {
      addressOf: async (spec, index) => planAddress({ spec, index }),
      // A restarted dns#1 comes back on the port clients know.
      env: async () => ({ [envNames.dnsPort]: String(dnsPort ?? options.dnsPort) }),
      pinnedClaims: (planned, index) => dnsPortClaims(planned.host, dnsPort ?? options.dnsPort, index),
      started(info) {
        dnsPort ??= info.endpoints.dns?.port;
      },
      failed: () => undefined,
    },
  };
}

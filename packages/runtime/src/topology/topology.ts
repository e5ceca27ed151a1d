import type { AssertionSubject, ServiceName, ServiceSpec, Timings, TimingsPreset } from '@topolab/services/contract';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { TraceCollector } from '../telemetry/trace-collector.js';
import type { FaultAction, FaultResult } from './faults.js';
import type { InstanceCounters } from './instance-stats.js';
import type { ScaleResult } from './scale.js';
import type { TopologyEvents } from './topology-events.js';
import type { NormalizedTopologyOptions } from './topology-options.js';
import type { ModesChange, TopologyModes } from './topology-modes.js';

/** One instance as the topology shows it: the supervisor's view plus traffic and registry facts. */
export interface InstanceView extends InstanceInfo, InstanceCounters {
  readonly kind: ServiceSpec['kind'];
  /** Whether it keeps a lease in the registry (itself, or nginx-sync for nginx); false for the registry, redis and nginx-sync. */
  readonly registers: boolean;
  /** Made a zombie (serves, does not heartbeat) and not undone since; a restarted process is not. */
  readonly zombie: boolean;
}

/** How clients reach the gateways. */
export interface TopologyEdge {
  /** `https://www.topolab.test:8443` while dns#1 runs and the gateways share their ports, else `gatewayUrl`. */
  readonly url: string;
  /** Gateway #1 by address (`https://127.0.0.1:8443`). */
  readonly gatewayUrl: string;
  /** The plain-HTTP port that answers 308 to HTTPS (`http://127.0.0.1:8080`); only with TLS. */
  readonly redirectUrl?: string;
  /** The local CA the gateway certificate chains to (trust `caFile` with `curl --cacert`); only with TLS. */
  readonly tls?: { readonly caFile: string; readonly ca: string; readonly certFile: string; readonly notAfter: string; readonly caFingerprint: string; readonly reused: boolean };
  /** dns#1, authoritative for `zone`: `dig @host -p port name`. */
  readonly dns?: { readonly host: string; readonly port: number; readonly zone: string; readonly name: string };
}

/** A running topology. */
export interface Topology {
  /** `http://127.0.0.1:8080` (`https://127.0.0.1:8443` with TLS): gateway #1, where users send requests. */
  readonly gatewayUrl: string;
  /** The URL of every running gateway instance, by index (gateway #n on 127.0.2.n, same port, on Linux). */
  readonly gatewayUrls: readonly string[];
  /** The edge: URL by name, CA, redirect and DNS server. */
  readonly edge: TopologyEdge;
  /** `http://127.0.1.1:<port>`. */
  readonly registryUrl: string;
  /** Absolute path of the data dir. */
  readonly dataDir: string;
  readonly timings: Timings;
  readonly timingsPreset: TimingsPreset;
  /** Milliseconds from startTopology's call until `topology.ready`: every instance ready, dns#1 answering, `beforeReady` done (0 before). */
  readonly readyMs: number;
  /** The options after defaults and validation. */
  readonly options: NormalizedTopologyOptions;
  /** A snapshot of every instance, in start order. */
  instances(): InstanceView[];
  /** Instance states, crashes, logs, spans, domain events and topology milestones. */
  readonly events: TopologyEvents;
  /** Recent spans of every instance (registry polls of the runtime left out), for waitForTrace. */
  readonly traces: TraceCollector;
  /** The supervisor, for what the topology does not offer itself (raw signals, commands). */
  readonly supervisor: Supervisor;
  /** The discovery and auth modes every gateway runs now. */
  modes(): TopologyModes;
  /**
   * A service token of the runtime's client (`control`) for calls to `audience`'s internal
   * routes (the phone, the event log), from auth's client-credentials endpoint, cached until
   * near expiry. CONTROL_UPSTREAM_FAILED when auth cannot issue one.
   */
  serviceToken(audience: string): Promise<string>;
  /**
   * Signs an identity assertion as a gateway would (contract/identity.ts) for the user of
   * `subject`, to `subject.audience`, living `ttlS` seconds (60 by default; longer only for the
   * bench's direct rows, which stand in for the gateway for a whole row).
   */
  assertIdentity(subject: AssertionSubject, ttlS?: number): Promise<string>;
  /**
   * Switches every gateway to the named modes (the others stay) without a restart; resolves
   * with the new modes once every gateway replied, and emits `topology.modes`. An unknown name
   * is TOPOLOGY_INVALID_MODE; a gateway that refuses (a mode not available) rolls all back and
   * throws its refusal (SUPERVISOR_COMMAND_FAILED).
   */
  setModes(change: ModesChange): Promise<TopologyModes>;
  /**
   * Injects a fault into one instance (kill, stop, pause, resume, restart, zombie, unzombie)
   * and emits `topology.fault`. SUPERVISOR_UNKNOWN_INSTANCE / SUPERVISOR_NOT_RUNNING when it does not apply.
   */
  fault(action: FaultAction, instanceId: string): Promise<FaultResult>;
  /**
   * Starts or stops instances of `service` until `replicas` (1..9) run, highest index stopped
   * first; a gateway's sidecars follow it. Emits `topology.fault` with action `scale`.
   */
  scale(service: string, replicas: number): Promise<ScaleResult>;
  /**
   * Starts (or restarts) one instance of a service with the topology's address plan and
   * environment: `index` defaults to the lowest one not running. Resolves once it is ready.
   */
  startInstance(service: ServiceName, index?: number): Promise<InstanceView>;
  /** Stops every instance (registry last); resolves when every child is gone. Idempotent. */
  stop(): Promise<void>;
}

import type { DiscoveryModeName, GatewayAuthModeName } from '@topolab/services/contract';

/** The measurements `topolab bench` can take; `--only` picks some. */
export const benchSections = ['throughput', 'revocation', 'failover', 'fanout', 'coldstart'] as const;

/** One measurement of the bench. */
export type BenchSection = (typeof benchSections)[number];

/**
 * An auth mode as the bench names it: the gateway's modes plus `none`, a bench-only mode
 * that skips the auth check (the baseline `local` is compared with). Only the bench's own
 * topology opts its gateways in to `none` (see benchNoAuthEnv); a gateway that refuses a
 * mode gets its rows reported as missing.
 */
export type BenchAuthMode = GatewayAuthModeName;

/**
 * A real part the bench compares with its embedded twin: `redis` (global cache and bus on a
 * supervised redis-server) and `nginx` (the lb; upstreams rendered from the registry).
 */
export const benchBackends = ['redis', 'nginx'] as const;

/** The load generators of the throughput table: autocannon in the bench process, or Debian's wrk (C) as a child process. */
export const benchLoadGenerators = ['autocannon', 'wrk'] as const;

/** One load generator of the bench. */
export type BenchLoadGenerator = (typeof benchLoadGenerators)[number];

/** One real backend of the bench. */
export type BenchBackend = (typeof benchBackends)[number];

/** What a row, a revocation or a failover measurement ran on: the embedded parts, or real ones. */
export type BenchBackendLabel = 'embedded' | BenchBackend;

/** What a row of the throughput table sends its requests to. */
export type ThroughputRowKind =
  /** Straight to the profile instances with an identity assertion the runtime signed, as a gateway would: the ceiling. */
  | 'direct'
  /** Through nginx (one proxy hop, header fixed to the user): a production reference. */
  | 'nginx'
  /** Through a bare Node proxy (node:http + an undici Pool; no routing, auth, tracing or limits): the Node ceiling. */
  | 'bare-node'
  /** Through the gateway in one discovery × auth combination. */
  | 'gateway';

/** One row of the throughput table. */
export interface ThroughputRow {
  /** `direct`, `nginx`, `client/local`. */
  readonly id: string;
  readonly kind: ThroughputRowKind;
  /** The gateway's modes, for a gateway row. */
  readonly modes?: { readonly discovery: DiscoveryModeName; readonly auth: BenchAuthMode };
  /**
   * The real backends this row exercises (`client/global+redis`, `server/local+nginx`): it runs
   * on the bench's second topology, whose cache and bus are on Redis and whose lb is nginx.
   * @default none: the embedded topology
   */
  readonly backends?: readonly BenchBackend[];
}

/** Latency percentiles of one load run, in milliseconds. */
export interface LatencyFigures {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What one closed-loop load run (autocannon) measured. */
export interface LoadSample {
  /** Answers per second over the run (all statuses). */
  readonly requestsPerSec: number;
  /** Answers received. */
  readonly requests: number;
  readonly latencyMs: LatencyFigures;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /** Answers with a status outside 2xx. */
  readonly non2xx: number;
  /** Wall time of the run. */
  readonly durationMs: number;
}

/** CPU spent per request served, by process group, over a row's timed window (read from /proc). */
export interface CpuFigures {
  /**
   * µs of CPU (user + system) per request, by group: an instance (`gateway#1`, `auth#1`), a
   * replicated service summed (`profile`), `nginx` (master + worker), `bare-node`, and the load
   * generator (`bench`: the bench process, autocannon and the supervisor; `wrk`).
   */
  readonly usPerRequest: Readonly<Record<string, number>>;
  /** Every group that serves the request summed (the load generator left out). */
  readonly totalUs: number;
}

/** One row's run in one round. */
export interface ThroughputSample extends LoadSample {
  /** 1-based. */
  readonly round: number;
  readonly rowId: string;
  /** Every measured group's CPU per request over the run; undefined where there is no /proc (not Linux). */
  readonly cpu?: CpuFigures;
}

/** A row of the table: its samples and the median of each figure over the rounds. */
export interface ThroughputRowSummary extends ThroughputRow {
  /** Why the row has no figures (nginx not installed, the gateway refused a mode). */
  readonly missing?: string;
  readonly samples: readonly ThroughputSample[];
  /** Medians over the rounds; undefined when the row is missing. */
  readonly median?: {
    readonly requestsPerSec: number;
    readonly latencyMs: LatencyFigures;
    readonly errors: number;
    readonly non2xx: number;
    /** Median over rounds of each group's µs per request, groups of at least 2 µs; undefined off Linux. */
    readonly cpu?: CpuFigures;
  };
  /** This row's median req/s and p99 divided by the direct row's (undefined without a direct row). */
  readonly toDirect?: { readonly throughput: number; readonly p99: number };
}

/** What the topology looked like after one round. */
export interface RoundSnapshot {
  readonly round: number;
  /** Resident memory of every gateway instance, by instance id, in MB. */
  readonly gatewayRssMb: Readonly<Record<string, number>>;
  /** Seconds of load the gateway has taken so far (warm-ups included). */
  readonly gatewayLoadSeconds: number;
}

/**
 * One proxy against another, from the medians of one run: a gateway row against bare-node
 * (what the gateway adds to Node), bare-node against nginx (what Node costs).
 */
export interface ProxyRatio {
  /** `client/local ÷ bare-node`. */
  readonly id: string;
  readonly row: string;
  readonly base: string;
  /** The row's req/s ÷ the base's. */
  readonly throughput: number;
  /** The proxy's CPU per request ÷ the base proxy's (gateway#1 ÷ bare-node); undefined without CPU figures. */
  readonly proxyCpu?: { readonly ratio: number; readonly group: string; readonly us: number; readonly baseGroup: string; readonly baseUs: number };
}

/** The throughput and latency section. */
export interface ThroughputResult {
  readonly rows: readonly ThroughputRowSummary[];
  /** Gateway rows ÷ bare-node, and bare-node ÷ nginx (when both rows were measured). */
  readonly ratios?: readonly ProxyRatio[];
  readonly rounds: readonly RoundSnapshot[];
  /** The order rows ran in, per round (row ids). */
  readonly plan: readonly (readonly string[])[];
  /** `connections 32, 1 autocannon worker in the bench process, sharing 2 cores with 11 instances`. */
  readonly loadGenerator: string;
  /** Whether the rows carry CPU figures (read from /proc; false off Linux). */
  readonly cpuMeasured?: boolean;
}

/** Revocation lag of one auth mode: logout → every gateway refuses the token. */
export interface RevocationResult {
  readonly auth: BenchAuthMode;
  /** `redis`: the global cache and the bus were a real Redis. */
  readonly backend: 'embedded' | 'redis';
  readonly gateways: number;
  readonly sessions: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Probes sent after the logout's answer that were still accepted. */
  readonly acceptedAfterLogout: number;
}

/** Failover of one discovery mode: a profile instance SIGKILLed under an open-loop load. */
export interface FailoverResult {
  readonly discovery: DiscoveryModeName;
  /** `nginx`: server-side discovery through a real nginx. */
  readonly backend: 'embedded' | 'nginx';
  /** With nginx: from the registry's eviction until nginx routed by the new config. */
  readonly reloadLagMs?: number;
  readonly auth: BenchAuthMode;
  readonly rate: number;
  readonly victim: string;
  readonly requests: number;
  readonly failed: number;
  readonly timedOut: number;
  /** From the kill until the registry no longer listed the victim. */
  readonly detectionMs: number | undefined;
  /** First and last failed request's send time, in ms after the kill; undefined when none failed. */
  readonly failureWindowMs: readonly [number, number] | undefined;
}

/** WebSocket fan-out: one sender, receivers spread over the chat instances, latency from send to each receive. */
export interface FanoutResult {
  /** `redis`: the bus (chat's fan-out between instances) was Redis Streams. */
  readonly backend: 'embedded' | 'redis';
  readonly receivers: number;
  /** Messages sent (after the warm-up), each awaited by every receiver before the next. */
  readonly messages: number;
  /** The chat instance holding the sender's socket. */
  readonly senderInstance: string;
  /** Receivers per chat instance. */
  readonly perInstance: Readonly<Record<string, number>>;
  /** Over every (message, receiver) pair, ms. */
  readonly latencyMs: LatencyFigures;
  /** Receivers on the sender's instance: stored and delivered there, no bus hop. */
  readonly sameInstanceMs: LatencyFigures;
  /** Receivers on another instance: delivered from the bus. */
  readonly otherInstanceMs: LatencyFigures;
  /** (message, receiver) pairs that got a message twice (must be 0). */
  readonly duplicates: number;
}

/** Cold start: startTopology → every instance ready, and memory per service. */
export interface ColdStartResult {
  readonly runs: readonly number[];
  readonly medianReadyMs: number;
  readonly instances: number;
  /** Resident memory per instance right after the first start, in MB. */
  readonly rssMb: Readonly<Record<string, number>>;
  /** Per service: instances and their mean and total RSS, in MB. */
  readonly perService: Readonly<Record<string, { readonly instances: number; readonly meanMb: number; readonly totalMb: number }>>;
}

/** The machine a report was measured on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryMb: number;
  /** `Linux 6.1.0 (x64)`. */
  readonly os: string;
  readonly node: string;
  /** `git rev-parse HEAD` of the working directory, when it is a git checkout. */
  readonly gitCommit?: string;
  readonly nginx?: string;
}

/** The outcome of one target. */
export type TargetStatus =
  /** Met. */
  | 'pass'
  /** Missed. */
  | 'fail'
  /** A figure it needs was not measured (a row missing, a section not run). */
  | 'unmeasured';

/** One of the targets, checked against the bench's own figures. */
export interface TargetCheck {
  readonly id: string;
  /** `client/local throughput ≥ 0.6 × nginx`. */
  readonly label: string;
  readonly status: TargetStatus;
  /** `0.72 × nginx (4120 vs 5710 req/s)`, or why it was not measured. */
  readonly actual: string;
}

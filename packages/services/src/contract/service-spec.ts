import type { TopologyBackends } from './backends.js';

/** Every service topolab can run. */
export type ServiceName = 'registry' | 'gateway' | 'lb' | 'bus' | 'cache' | 'sidecar' | 'auth' | 'sms' | 'profile' | 'mail' | 'redis' | 'nginx-sync' | 'nginx' | 'dns' | 'chat' | 'graphql';

/** A real server from the system, run instead of a Node entry. */
export interface ProgramSpec {
  /** The binary looked up on PATH (and the usual sbin folders). */
  readonly binary: string;
  /** The Debian/Ubuntu package that installs it, named in the hint when it is missing. */
  readonly debianPackage: string;
  /** The Homebrew formula that installs it (macOS). */
  readonly brewFormula: string;
  /** Which of the runtime's program launchers builds its arguments, readiness probe and spans (backends/redis-program.ts, backends/nginx-program.ts), and its container in an export. */
  readonly launcher: ProgramLauncher;
  /** The official image an export runs it from. */
  readonly image: string;
  /** The path its readiness (and an export's health probe) asks over HTTP. @default undefined (not HTTP: redis answers `PING`) */
  readonly healthPath?: string;
  /**
   * A server the user may run instead (`--redis-url`): the topology then starts none, and the
   * hint for a missing binary offers it. @default undefined (always started)
   */
  readonly external?: { readonly hint: string };
}

/** The runtime's launchers of real servers, one per program. */
export type ProgramLauncher = 'redis' | 'nginx';

/**
 * Variables only some services read, which the runtime fills in at launch (and in an export,
 * where they apply).
 * `limits`: the topology's limits (`--rate-limit`, body limits), `modes`: the modes in force
 * (`topolab mode`), both read by the gateways; `nginx`: where nginx listens, its directory and
 * span log (nginx-sync).
 */
export type LaunchEnv = 'limits' | 'modes' | 'nginx';

/**
 * How an instance listens when not on its loopback address (127.0.<octet>.<n>, port 0):
 * `edge`: the public edge (`--host`, `--port`/`--https-port` consecutive per instance, TLS
 * files), as the gateways; `dns`: UDP and TCP on `--dns-port`, the same port after a restart.
 */
export type ServiceListener = 'edge' | 'dns';

/** How a service is placed in an export (`topolab export`: Compose, Kubernetes). */
export interface ExportSpec {
  /** Left out, with why (one line of the plan's `leftOut`). @default undefined (exported) */
  readonly leftOut?: string;
  /** The port it listens on inside its container. @default 3000 + its address octet (distinct, so pod-mates never collide) */
  readonly port?: number;
  /** The service whose instance (same index) it shares a network and a pod with (nginx-sync beside nginx). @default its `colocatedWith` */
  readonly podOf?: ServiceName;
  /** Mounts the folder it shares with its pod-mate (nginx.conf, written by nginx-sync, read by nginx). @default false */
  readonly sharedDir?: true;
  /** Runs as root (nginx-sync signals the nginx master, root, to reload). @default false */
  readonly root?: true;
  /** Its first instance is published on the host (`--publish-port`), and its Kubernetes Service is named after it (`gateway`, not `gateway-all`). @default false */
  readonly published?: true;
  /** Shares its pod-mate's process namespace too (nginx-sync signals nginx's master to reload). @default false */
  readonly sharesProcesses?: true;
  /** Proxies every request: Kubernetes requests and limits of a tenth of a CPU at rest and a whole one at most (the gateways). @default a Node service's */
  readonly proxy?: true;
}

/**
 * A secret of the whole topology some services get as a file besides their own client secret:
 * `clientKey` (every client secret derives from it), `authSigningKey` (auth's Ed25519 key),
 * `identityKey` (the gateways' key for identity assertions).
 */
export type TopologySecret = 'clientKey' | 'authSigningKey' | 'identityKey';

/** What the runtime needs to know to start a service, without importing its code. */
export interface ServiceSpec {
  /** Service name, also the prefix of its instance ids (`profile#2`). */
  readonly name: ServiceName;
  /** Absolute path of the compiled entry the supervisor runs; for a `program`, the binary's name. */
  readonly entry: string;
  /**
   * A real server (`redis-server`, `nginx`) instead of a Node service: the supervisor runs the
   * binary with no IPC channel; the runtime builds its arguments, probes its readiness and
   * reads its spans (nginx's access log). @default undefined (a Node service with IPC)
   */
  readonly program?: ProgramSpec;
  /**
   * The service whose instance registers this one in the registry on its behalf (nginx-sync
   * for nginx, as a Consul agent does): a `zombie` fault pauses that registration there.
   * @default undefined (registers itself, or not at all)
   */
  readonly registeredBy?: ServiceName;
  /** The service it is registered as, when not its own name (nginx is an `lb` instance). @default its name */
  readonly registersAs?: ServiceName;
  /** False for a service that keeps no lease in the registry (the registry itself, redis-server, nginx-sync). @default true */
  readonly registers?: false;
  /** Runs only with these backends (the embedded cache only while `--cache embedded`). @default always */
  readonly when?: (backends: TopologyBackends) => boolean;
  /**
   * `infrastructure`: part of the platform (registry, gateway).
   * `domain`: registers routes with the registry and serves users.
   */
  readonly kind: 'infrastructure' | 'domain';
  /** Instances started when the user names no replica count. */
  readonly defaultReplicas: number;
  /** Whether the service keeps a SQLite database in the data dir. */
  readonly ownsData: boolean;
  /** Third octet of the loopback block its instances bind (127.0.<octet>.<n>). */
  readonly addressOctet: number;
  /** Services that must be ready before this one starts. */
  readonly startAfter: readonly ServiceName[];
  /**
   * A per-instance companion of another service (the sidecar of each gateway): one instance
   * per instance of that service, with the same index, started before it; the host instance
   * `n` gets `TOPOLAB_<SERVICE>_URL` of companion `n` in its environment. Its replica count
   * follows the host's. @default undefined (an independent service)
   */
  readonly colocatedWith?: ServiceName;
  /** The topology's secrets this service is handed as files (`TOPOLAB_<NAME>_FILE`). @default none */
  readonly secrets?: readonly TopologySecret[];
  /** Runs exactly one instance: a replica count of another number is refused, and it cannot be scaled. @default false */
  readonly singleton?: true;
  /** The registry itself: handed no registry URL (every other instance is). @default false */
  readonly isRegistry?: true;
  /**
   * Others reach it at the address it started on, not through the registry (the registry, the
   * gateways; companions and programs always do): a restart brings it back on the same port.
   * @default false
   */
  readonly keepsAddress?: true;
  /** How it listens when not on its loopback address. @default undefined (127.0.<octet>.<n>, port 0) */
  readonly listener?: ServiceListener;
  /** Variables only it reads, which the runtime fills in. @default none */
  readonly launchEnv?: readonly LaunchEnv[];
  /** How an export places it. @default a container of its own on port 3000 + its octet */
  readonly export?: ExportSpec;
}


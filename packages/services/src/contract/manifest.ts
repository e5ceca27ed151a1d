import { fileURLToPath } from 'node:url';
import { usesRedis, type TopologyBackends } from './backends.js';

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
}

const entryOf = (name: ServiceName): string =>
  fileURLToPath(new URL(`../${name}/main.js`, import.meta.url));

/** The services in start order. The runtime starts them by `entry` path only. */
export const serviceManifest: readonly ServiceSpec[] = Object.freeze([
  { name: 'registry', entry: entryOf('registry'), registers: false, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 1, startAfter: [] },
  // Redis starts beside the registry, so its users find it answering when they start.
  { name: 'redis', entry: 'redis-server', registers: false, program: { binary: 'redis-server', debianPackage: 'redis-server', brewFormula: 'redis' }, when: usesRedis, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 11, startAfter: [] },
  { name: 'sms', entry: entryOf('sms'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 4, startAfter: ['registry', 'redis'] },
  { name: 'auth', entry: entryOf('auth'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 3, startAfter: ['registry', 'redis'], secrets: ['clientKey', 'authSigningKey'] },
  { name: 'profile', entry: entryOf('profile'), kind: 'domain', defaultReplicas: 2, ownsData: true, addressOctet: 5, startAfter: ['registry', 'redis'] },
  { name: 'mail', entry: entryOf('mail'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 10, startAfter: ['registry', 'redis'] },
  // Real-time rooms over WebSocket; two instances by default, fanning messages out to each other through the bus.
  { name: 'chat', entry: entryOf('chat'), kind: 'domain', defaultReplicas: 2, ownsData: true, addressOctet: 14, startAfter: ['registry', 'redis'] },
  // Composes auth, profile and mail behind one POST /graphql; keeps no data of its own.
  { name: 'graphql', entry: entryOf('graphql'), kind: 'domain', defaultReplicas: 1, ownsData: false, addressOctet: 16, startAfter: ['registry'] },
  { name: 'bus', entry: entryOf('bus'), when: (backends) => backends.bus === 'embedded', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 7, startAfter: ['registry'] },
  { name: 'cache', entry: entryOf('cache'), when: (backends) => backends.cache === 'embedded', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 8, startAfter: ['registry'] },
  { name: 'lb', entry: entryOf('lb'), when: (backends) => backends.lb === 'embedded', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 6, startAfter: ['registry'] },
  // consul-template's part: renders nginx.conf from the registry, reloads nginx, and keeps nginx registered as an lb instance while it answers.
  { name: 'nginx-sync', entry: entryOf('nginx-sync'), registers: false, when: (backends) => backends.lb === 'nginx', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 13, startAfter: ['registry'] },
  { name: 'nginx', entry: 'nginx', program: { binary: 'nginx', debianPackage: 'nginx', brewFormula: 'nginx' }, registeredBy: 'nginx-sync', registersAs: 'lb', when: (backends) => backends.lb === 'nginx', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 12, startAfter: ['nginx-sync'] },
  { name: 'sidecar', entry: entryOf('sidecar'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 9, startAfter: ['registry', 'redis'], colocatedWith: 'gateway' },
  { name: 'gateway', entry: entryOf('gateway'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 2, startAfter: ['registry', 'redis'], secrets: ['identityKey'] },
  // Authoritative for topolab.test: `www.topolab.test` has one A record per ready gateway, from the registry.
  { name: 'dns', entry: entryOf('dns'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 15, startAfter: ['registry'] },
] satisfies ServiceSpec[]);

/** The services a topology with `backends` runs (each one's `when`): `servicesWith(defaultBackends)` is the default topology. */
export function servicesWith(backends: TopologyBackends, manifest: readonly ServiceSpec[] = serviceManifest): ServiceSpec[] {
  return manifest.filter((spec) => spec.when?.(backends) ?? true);
}

/** Whether instances of `spec` keep a lease in the registry (themselves, or through `registeredBy`): not the registry, redis or nginx-sync. */
export function holdsLease(spec: Pick<ServiceSpec, 'name' | 'registers'>): boolean {
  return spec.registers !== false && spec.name !== 'registry';
}

/** Looks a service up by name; undefined for an unknown name. */
export function findServiceSpec(name: string): ServiceSpec | undefined {
  return serviceManifest.find((spec) => spec.name === name);
}

/**
 * The supervisor commands that pause and resume a registration an instance keeps for another
 * (`registeredBy`): args `{ instanceId }` of the instance registered.
 */
export const registrationCommands = Object.freeze({ pause: 'registration.pause', resume: 'registration.resume' });

/** Builds the instance id shown everywhere (`profile#2`). */
export function formatInstanceId(service: ServiceName, index: number): string {
  return `${service}#${index}`;
}

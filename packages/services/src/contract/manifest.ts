import { fileURLToPath } from 'node:url';

/** Every service topolab can run. */
export type ServiceName = 'registry' | 'gateway' | 'lb' | 'bus' | 'cache' | 'sidecar' | 'auth' | 'sms' | 'profile' | 'mail';

/** What the runtime needs to know to start a service, without importing its code. */
export interface ServiceSpec {
  /** Service name, also the prefix of its instance ids (`profile#2`). */
  readonly name: ServiceName;
  /** Absolute path of the compiled entry the supervisor runs. */
  readonly entry: string;
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
}

const entryOf = (name: ServiceName): string =>
  fileURLToPath(new URL(`../${name}/main.js`, import.meta.url));

/** The services in start order. The runtime starts them by `entry` path only. */
export const serviceManifest: readonly ServiceSpec[] = Object.freeze([
  { name: 'registry', entry: entryOf('registry'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 1, startAfter: [] },
  { name: 'sms', entry: entryOf('sms'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 4, startAfter: ['registry'] },
  { name: 'auth', entry: entryOf('auth'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 3, startAfter: ['registry'] },
  { name: 'profile', entry: entryOf('profile'), kind: 'domain', defaultReplicas: 2, ownsData: true, addressOctet: 5, startAfter: ['registry'] },
  { name: 'mail', entry: entryOf('mail'), kind: 'domain', defaultReplicas: 1, ownsData: true, addressOctet: 10, startAfter: ['registry'] },
  { name: 'bus', entry: entryOf('bus'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 7, startAfter: ['registry'] },
  { name: 'cache', entry: entryOf('cache'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 8, startAfter: ['registry'] },
  { name: 'lb', entry: entryOf('lb'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 6, startAfter: ['registry'] },
  { name: 'sidecar', entry: entryOf('sidecar'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 9, startAfter: ['registry'], colocatedWith: 'gateway' },
  { name: 'gateway', entry: entryOf('gateway'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 2, startAfter: ['registry'] },
] satisfies ServiceSpec[]);

/** Looks a service up by name; undefined for an unknown name. */
export function findServiceSpec(name: string): ServiceSpec | undefined {
  return serviceManifest.find((spec) => spec.name === name);
}

/** Builds the instance id shown everywhere (`profile#2`). */
export function formatInstanceId(service: ServiceName, index: number): string {
  return `${service}#${index}`;
}

import { fileURLToPath } from 'node:url';
import { usesRedis, type TopologyBackends } from './backends.js';

import type { ServiceName, ServiceSpec } from './service-spec.js';

export type * from './service-spec.js';

const entryOf = (name: ServiceName): string =>
  fileURLToPath(new URL(`../${name}/main.js`, import.meta.url));

/** The services in start order. The runtime starts them by `entry` path only. */
export const serviceManifest: readonly ServiceSpec[] = Object.freeze([
  { name: 'registry', entry: entryOf('registry'), registers: false, singleton: true, isRegistry: true, keepsAddress: true, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 1, startAfter: [] },
  // Redis starts beside the registry, so its users find it answering when they start.
  { name: 'redis', entry: 'redis-server', registers: false, singleton: true, program: { binary: 'redis-server', debianPackage: 'redis-server', brewFormula: 'redis', launcher: 'redis', image: 'redis:7.4-alpine', external: { hint: 'point REDIS_URL at a running Redis' } }, export: { port: 6379 }, when: usesRedis, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 11, startAfter: [] },
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
  { name: 'nginx-sync', entry: entryOf('nginx-sync'), registers: false, singleton: true, launchEnv: ['nginx'], export: { podOf: 'nginx', sharedDir: true, root: true, sharesProcesses: true }, when: (backends) => backends.lb === 'nginx', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 13, startAfter: ['registry'] },
  { name: 'nginx', entry: 'nginx', singleton: true, program: { binary: 'nginx', debianPackage: 'nginx', brewFormula: 'nginx', launcher: 'nginx', image: 'nginx:1.27-alpine', healthPath: '/_topolab/health' }, export: { sharedDir: true }, registeredBy: 'nginx-sync', registersAs: 'lb', when: (backends) => backends.lb === 'nginx', kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 12, startAfter: ['nginx-sync'] },
  { name: 'sidecar', entry: entryOf('sidecar'), kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 9, startAfter: ['registry', 'redis'], colocatedWith: 'gateway' },
  { name: 'gateway', entry: entryOf('gateway'), keepsAddress: true, listener: 'edge', launchEnv: ['limits', 'modes'], export: { port: 8080, published: true, proxy: true }, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 2, startAfter: ['registry', 'redis'], secrets: ['identityKey'] },
  // Authoritative for topolab.test: `www.topolab.test` has one A record per ready gateway, from the registry.
  { name: 'dns', entry: entryOf('dns'), listener: 'dns', export: { leftOut: "dns#1: the engine names every container (Compose's DNS, CoreDNS), and A records need addresses, not names" }, kind: 'infrastructure', defaultReplicas: 1, ownsData: false, addressOctet: 15, startAfter: ['registry'] },
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

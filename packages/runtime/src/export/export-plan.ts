import { randomBytes } from 'node:crypto';
import { clientSecretFor, envNames, formatInstanceId, generateEd25519KeyPair, nginxArgs, nginxConfigPath, redisPasswordHashes, redisRoleNames, redisRoleOf, renderRedisAcl, topologySecretEnv, type Ed25519KeyPair, type ProgramLauncher, type ProgramSpec, type RedisRoleName, type ServiceSpec, type TopologySecret } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { colocatedUrlEnvName, startDependencies } from '../topology/colocation.js';
import { buildInstanceEnv, launchEnvOf } from '../topology/instance-env.js';
import type { NormalizedTopologyOptions } from '../topology/topology-options.js';

/** One secret an instance reads (`<NAME>_FILE` in Compose, a Secret key in Kubernetes). */
export interface ExportSecret {
  /**
   * The variable it stands for (`TOPOLAB_CLIENT_SECRET`); absent for a file a program reads
   * by its path (`/run/secrets/<name>`: redis-server's ACL file).
   */
  readonly env?: string;
  /** `profile-1-client-secret`: the Compose secret, and the key in the Kubernetes Secret. */
  readonly name: string;
  readonly value: string;
}

/** One instance of the topology as a container. */
export interface ExportInstance {
  /** `profile#1`: its id in the registry, the same as under `topolab up`. */
  readonly id: string;
  /** `profile-1`: container, host and Service name (a DNS label). */
  readonly name: string;
  readonly service: string;
  /** `node`: a topolab service from the image; `redis` and `nginx`: their official images. */
  readonly runs: 'node' | ProgramLauncher;
  /** The image it runs: the plan's for `node`, the official one for redis and nginx. */
  readonly image: string;
  /** The container's command. */
  readonly command: readonly string[];
  /** The HTTP (redis: RESP) port it listens on inside the container. */
  readonly port: number;
  /** Plain variables (secrets are apart). */
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly ExportSecret[];
  /** Where its SQLite database lives, when it keeps one. */
  readonly dataDir?: string;
  /**
   * The volume holding it (`profile-data`): one per service, shared by its replicas, which use
   * one database as under `topolab up` (a profile written through profile#1 is read through profile#2).
   */
  readonly dataVolume?: string;
  /** A folder it shares with its pod-mate, mounted here in both (nginx.conf, written by nginx-sync, read by nginx). */
  readonly sharedDir?: string;
  /** Instance names that must be healthy first (its `startAfter`). */
  readonly dependsOn: readonly string[];
  /** `GET /health` on `port`, the readiness and liveness probe; undefined for redis (a `PING`). */
  readonly healthPath?: string;
  /**
   * The instance whose network (and process) namespace this one shares: a gateway's sidecar,
   * nginx-sync beside its nginx. In Kubernetes one pod; in Compose `network_mode: service:…`.
   */
  readonly colocatedWith?: string;
  /**
   * Listens on 127.0.0.1 only: a companion (the gateway's sidecar) answers its host alone, and
   * refuses any other address. Probes reach it from inside its pod (an exec, not an httpGet).
   */
  readonly loopbackOnly?: boolean;
  /** Runs as root: nginx-sync signals the nginx master (root) to reload. */
  readonly root?: boolean;
  /** Shares its pod-mate's process namespace (nginx-sync, to signal nginx). */
  readonly sharesProcesses?: boolean;
  /** Proxies every request (a gateway): more CPU and memory in Kubernetes. */
  readonly proxy?: boolean;
  /** Published on the host (gateway #1): host port → container port. */
  readonly publish?: { readonly host: number; readonly container: number };
}

/** The whole topology for a container engine. */
export interface ExportPlan {
  readonly image: string;
  readonly instances: readonly ExportInstance[];
  /** What the export leaves out, with why (one line each). */
  readonly leftOut: readonly string[];
  readonly modes: NormalizedTopologyOptions['modes'];
  readonly timingsPreset: NormalizedTopologyOptions['timingsPreset'];
}

/** Options of planExport. */
export interface ExportPlanOptions {
  /** The image built from the exported Dockerfile. @default 'topolab:local' */
  readonly image?: string;
  /** The key every client secret derives from (auth holds it). @default 32 random bytes */
  readonly clientKey?: string;
  /** Auth's signing key and the gateways' identity key. @default new Ed25519 keys */
  readonly keys?: { readonly auth: Ed25519KeyPair; readonly identity: Ed25519KeyPair };
  /** gateway #1's port on the host. @default 8080 */
  readonly publishPort?: number;
}

/** The name of each topology secret in an export (`auth-1-signing-key`). */
const secretFileNames: Readonly<Record<TopologySecret, string>> = { clientKey: 'client-key', authSigningKey: 'signing-key', identityKey: 'identity-key' };

/** Where a container finds its secrets as files (Compose's default; a Secret volume in Kubernetes). */
export const secretsMountPath = '/run/secrets';
const nginxDir = '/var/lib/topolab-nginx';

/** How many secrets a plan hands over: client secrets (and auth's client key), signing keys (auth's, the gateways' identity key), and Redis credentials (passwords and the ACL file). */
export function countExportSecrets(plan: Pick<ExportPlan, 'instances'>): { readonly client: number; readonly keys: number; readonly redis: number } {
  const all = plan.instances.flatMap((instance) => instance.secrets);
  const client = all.filter((secret) => secret.env === envNames.clientSecret || secret.env === envNames.clientKey).length;
  const keys = all.filter((secret) => secret.env === envNames.authSigningKey || secret.env === envNames.identityKey).length;
  return { client, keys, redis: all.length - client - keys };
}

/**
 * Whether `instance` is a topolab service run as the image's unprivileged user: a read-only
 * root, no capability, no privilege escalation, writing /data and /tmp only (Compose and
 * Kubernetes alike). redis and nginx keep their images' own users, nginx-sync runs as root.
 */
export const isHardened = (instance: Pick<ExportInstance, 'runs' | 'root'>) => instance.runs === 'node' && !instance.root;

/** `profile#1` → `profile-1`. */
export const containerName = (service: string, index: number) => `${service}-${index}`;

/** Each service's port inside its container: its manifest's (the gateway 8080, redis 6379), else 3000 + its loopback octet (distinct, so pod-mates never collide). */
function portOf(spec: ServiceSpec): number {
  return spec.export?.port ?? 3000 + spec.addressOctet;
}

/** What the instances of one export share: the options, the keys, the registry's and Redis's addresses. */
interface ExportContext {
  readonly options: NormalizedTopologyOptions;
  readonly planOptions: ExportPlanOptions;
  readonly image: string;
  /** The exported services (without those the manifest leaves out). */
  readonly manifest: readonly ServiceSpec[];
  readonly clientKey: string;
  readonly secretValues: Readonly<Record<TopologySecret, string>>;
  /** Public keys: plain variables; there is no runtime to hand platform tokens over, so instances ask auth for them. */
  readonly keyEnv: Readonly<Record<string, string>>;
  readonly registryUrl: string;
  /** The backends and, with a Redis, its URL and peer id. */
  readonly backendEnv: Readonly<Record<string, string>>;
  /** Per role, derived from the client key like every client secret (undefined without a Redis). */
  readonly redisPasswords: Readonly<Record<RedisRoleName, string>> | undefined;
}

function createExportContext(options: NormalizedTopologyOptions, planOptions: ExportPlanOptions): ExportContext {
  if (options.backends.redisUrl !== undefined) {
    throw runtimeError('CONFIG_INVALID', { message: 'An export runs its own Redis; leave out --redis-url.' });
  }
  const clientKey = planOptions.clientKey ?? randomBytes(32).toString('hex');
  const keys = planOptions.keys ?? { auth: generateEd25519KeyPair(), identity: generateEd25519KeyPair() };
  const manifest = options.manifest.filter((spec) => spec.export?.leftOut === undefined);
  const registry = manifest.find((spec) => spec.isRegistry)!;
  const redis = manifest.find((spec) => spec.program?.launcher === 'redis');
  return {
    options,
    planOptions,
    image: planOptions.image ?? 'topolab:local',
    manifest,
    clientKey,
    secretValues: { clientKey, authSigningKey: JSON.stringify(keys.auth.privateJwk), identityKey: JSON.stringify(keys.identity.privateJwk) },
    keyEnv: { [envNames.authPublicKey]: JSON.stringify(keys.auth.publicJwk), [envNames.identityPublicKey]: JSON.stringify(keys.identity.publicJwk) },
    registryUrl: `http://${containerName(registry.name, 1)}:${portOf(registry)}`,
    backendEnv: {
      [envNames.cacheBackend]: options.backends.cache,
      [envNames.busBackend]: options.backends.bus,
      ...(redis ? { [envNames.redisUrl]: `redis://${containerName(redis.name, 1)}:${portOf(redis)}`, [envNames.redisPeer]: formatInstanceId(redis.name, 1) } : {}),
    },
    redisPasswords: redis ? (Object.fromEntries(redisRoleNames.map((role) => [role, clientSecretFor(clientKey, `redis-user:${role}`)])) as Record<RedisRoleName, string>) : undefined,
  };
}

const replicasOf = (context: ExportContext, spec: ServiceSpec) => context.options.replicas[spec.name] ?? spec.defaultReplicas;

/** The containers instance `index` of `spec` waits for: every instance of what it starts after, but not its own companions. */
function dependsOn(context: ExportContext, spec: ServiceSpec, index: number): string[] {
  const names: string[] = [];
  for (const dependency of startDependencies(context.manifest, spec)) {
    const target = context.manifest.find((candidate) => candidate.name === dependency);
    if (!target) continue;
    // A companion (the gateway's sidecar) joins this instance's network, so it starts after it:
    // waiting for it would be a cycle (Compose refuses it; in a pod there is no order to wait for).
    if (target.colocatedWith === spec.name) continue;
    // Anything else: every instance of it.
    for (let i = 1; i <= replicasOf(context, target); i++) names.push(containerName(target.name, i));
  }
  return names;
}

/** Where nginx-sync finds nginx, its pod-mate (the manifest's `launchEnv: ['nginx']` and `export.podOf`). */
function nginxEnvOf(context: ExportContext, spec: ServiceSpec, index: number): Record<string, string> {
  const nginx = spec.launchEnv?.includes('nginx') ? context.manifest.find((candidate) => candidate.name === spec.export?.podOf) : undefined;
  if (!nginx) return {};
  return { [envNames.nginxHost]: '0.0.0.0', [envNames.nginxPort]: String(portOf(nginx)), [envNames.nginxDir]: nginxDir, [envNames.nginxInstance]: formatInstanceId(nginx.name, index) };
}

/** A topolab service from the image: its variables, secrets as files, volume, probes and placement. */
function nodeInstance(context: ExportContext, spec: ServiceSpec, index: number): ExportInstance {
  const { options, manifest } = context;
  const id = formatInstanceId(spec.name, index);
  const name = containerName(spec.name, index);
  const podOf = spec.export?.podOf ?? spec.colocatedWith;
  const host = podOf ? containerName(podOf, index) : name;
  const companions = manifest.filter((companion) => companion.colocatedWith === spec.name);
  const redisRole = context.redisPasswords ? redisRoleOf(spec.name) : undefined;
  const env = buildInstanceEnv({
    registryUrl: spec.isRegistry ? undefined : context.registryUrl,
    dataDir: '/data',
    timings: options.timings,
    logLevel: options.logLevel,
    extra: {
      ...options.env,
      ...context.backendEnv,
      [envNames.service]: spec.name,
      [envNames.instanceId]: id,
      // A companion is reached by its host over loopback, and binds nothing else (the sidecar refuses to).
      [envNames.host]: spec.colocatedWith ? '127.0.0.1' : '0.0.0.0',
      [envNames.port]: String(portOf(spec)),
      [envNames.advertiseHost]: host,
      [envNames.clientId]: id,
      ...context.keyEnv,
      ...(redisRole ? { [envNames.redisUsername]: redisRole } : {}),
      ...launchEnvOf(spec, options),
      // The companion shares the host's network: reached on loopback.
      ...Object.fromEntries(companions.map((companion) => [colocatedUrlEnvName(companion.name), `http://127.0.0.1:${portOf(companion)}`])),
      ...nginxEnvOf(context, spec, index),
    },
  });
  const secrets: ExportSecret[] = [
    { env: envNames.clientSecret, name: `${name}-client-secret`, value: clientSecretFor(context.clientKey, id) },
    ...(spec.secrets ?? []).map((secret) => ({ env: topologySecretEnv[secret], name: `${name}-${secretFileNames[secret]}`, value: context.secretValues[secret] })),
  ];
  if (redisRole && context.redisPasswords) secrets.push({ env: envNames.redisPassword, name: `${name}-redis-password`, value: context.redisPasswords[redisRole] });
  return {
    id,
    name,
    service: spec.name,
    runs: 'node',
    command: ['node', `packages/services/bundle/${spec.name}.mjs`],
    port: portOf(spec),
    env,
    secrets,
    image: context.image,
    ...(spec.ownsData ? { dataDir: '/data', dataVolume: `${spec.name}-data` } : {}),
    ...(spec.export?.sharedDir ? { sharedDir: nginxDir } : {}),
    dependsOn: dependsOn(context, spec, index),
    healthPath: '/health',
    ...(host === name ? {} : { colocatedWith: host }),
    ...(spec.colocatedWith ? { loopbackOnly: true } : {}),
    ...(spec.export?.root ? { root: true } : {}),
    ...(spec.export?.sharesProcesses && host !== name ? { sharesProcesses: true } : {}),
    ...(spec.export?.proxy ? { proxy: true } : {}),
    ...(spec.export?.published && index === 1 ? { publish: { host: context.planOptions.publishPort ?? 8080, container: portOf(spec) } } : {}),
  };
}

/** A real server from its official image, with the command its launcher gives (the same flags as under `topolab up`). */
function programInstance(context: ExportContext, spec: ServiceSpec, program: ProgramSpec, index: number): ExportInstance {
  const base = { id: formatInstanceId(spec.name, index), name: containerName(spec.name, index), service: spec.name, runs: program.launcher, image: program.image };
  if (program.launcher === 'redis') {
    // Every client authenticates as its role's ACL user (the default user is off), as under `topolab up`.
    const acl: ExportSecret = { name: `${base.name}-users-acl`, value: renderRedisAcl(redisPasswordHashes(context.redisPasswords!)) };
    const command = ['redis-server', '--save', '', '--appendonly', 'no', '--aclfile', `${secretsMountPath}/${acl.name}`, '--databases', '1'];
    return { ...base, command, port: portOf(spec), env: {}, secrets: [acl], dependsOn: [] };
  }
  // nginx-sync writes the first nginx.conf into the shared folder; nginx starts once it is there.
  const wait = `until [ -f ${nginxConfigPath(nginxDir)} ]; do sleep 0.2; done; exec nginx ${nginxArgs(nginxDir).join(' ')}`;
  const podMates = new Set(context.manifest.filter((mate) => mate.export?.podOf === spec.name).map((mate) => containerName(mate.name, index)));
  const waitsFor = dependsOn(context, spec, index).filter((dependency) => !podMates.has(dependency));
  return { ...base, command: ['sh', '-c', wait], port: portOf(spec), env: {}, secrets: [], sharedDir: nginxDir, dependsOn: waitsFor, ...(program.healthPath ? { healthPath: program.healthPath } : {}) };
}

/**
 * Turns a normalized topology into containers, as `topolab up` would run it: one container per
 * instance (each has its own id, registry lease and OAuth client credentials, so `profile=2` is
 * two, not a replica count of one), listening on 0.0.0.0 and registering its container name
 * (TOPOLAB_ADVERTISE_HOST), the same timings, modes, limits and backends. What the manifest
 * leaves out of an export (dns#1: the engine's own DNS names every container) is listed in `leftOut`.
 */
export function planExport(options: NormalizedTopologyOptions, planOptions: ExportPlanOptions = {}): ExportPlan {
  const context = createExportContext(options, planOptions);
  const instances: ExportInstance[] = [];
  for (const spec of context.manifest) {
    for (let index = 1; index <= replicasOf(context, spec); index++) {
      instances.push(spec.program ? programInstance(context, spec, spec.program, index) : nodeInstance(context, spec, index));
    }
  }
  const leftOut = [
    ...options.manifest.flatMap((spec) => (spec.export?.leftOut === undefined ? [] : [spec.export.leftOut])),
    // The exported gateway is given no certificate, whatever `up` would do.
    'TLS at the gateway: it serves plain HTTP; terminate TLS at the engine\'s edge (an ingress, a proxy); the local CA stays on this machine',
    'spans and logs: each instance logs JSON lines to stdout (`docker compose logs`, `kubectl logs`); there is no supervisor to gather spans',
  ];
  return { image: context.image, instances, leftOut, modes: options.modes, timingsPreset: options.timingsPreset };
}

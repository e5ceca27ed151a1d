import { userInfo } from 'node:os';
import { join } from 'node:path';
import { envNames, formatInstanceId, parseNginxSpanLine, redisRoleOf, type ProgramLauncher, type ServiceSpec } from '@topolab/services/contract';
import { borrowPort } from '../backends/borrow-port.js';
import { nginxLaunch } from '../backends/nginx-program.js';
import { formatRedisUrl, redisLaunch } from '../backends/redis-program.js';
import { writeExternalRedisCredentials, writeRedisSecrets, type ExternalRedisCredentials, type RedisSecrets } from '../backends/redis-secrets.js';
import type { NormalizedBackends } from '../backends/topology-backends.js';
import { openSpanListener, type SpanListener } from '../backends/span-listener.js';
import { createProgramSpawner, type ProgramLaunch } from '../supervisor/program-child.js';
import type { SpawnChild } from '../supervisor/child-process.js';
import { planAddress } from './addresses.js';

/** What createProgramPlan needs. */
export interface ProgramPlanOptions {
  readonly manifest: readonly ServiceSpec[];
  readonly backends: NormalizedBackends;
  /** Binary of each program service (findPrograms). */
  readonly programs: ReadonlyMap<string, string>;
  readonly dataDir: string;
}

/** The address, environment and launch of the real servers (redis-server, nginx) of one topology. */
export interface ProgramPlan {
  /**
   * Where program instance `index` of `spec` listens: planned once (its loopback address, a
   * borrowed port) and kept, so a restart comes back where its users were told it is.
   */
  addressOf(spec: ServiceSpec, index: number): Promise<{ host: string; port: number }>;
  /**
   * The backend variables of an instance: which backends, the Redis URL (never with
   * credentials) and, for a service with a Redis role, its user and password file; for
   * nginx-sync where nginx listens.
   */
  envFor(spec: ServiceSpec): Promise<Record<string, string>>;
  /** The spawner of a program instance. */
  spawnerOf(spec: ServiceSpec, index: number, address: { host: string; port: number }, registryUrl: string): Promise<SpawnChild>;
  /** Closes what outlives single instances (nginx's span listener). */
  close(): Promise<void>;
}

/** What a program launcher is given. */
interface ProgramLaunchInput {
  readonly spec: ServiceSpec;
  readonly binary: string;
  readonly index: number;
  readonly address: { readonly host: string; readonly port: number };
  readonly registryUrl: string;
}

/** Creates the program plan of a topology. */
export function createProgramPlan(options: ProgramPlanOptions): ProgramPlan {
  const { manifest, backends, dataDir } = options;
  const addresses = new Map<string, Promise<{ host: string; port: number }>>();
  /** The service a launcher runs (the Redis clients use, the nginx nginx-sync renders for), if the topology has it. */
  const programOf = (launcher: ProgramLauncher) => manifest.find((spec) => spec.program?.launcher === launcher);
  // One syslog receiver for nginx's access log, kept across nginx restarts (nginx.conf names its port).
  let nginxSpans: Promise<SpanListener> | undefined;
  const nginxSpansOf = (nginx: ServiceSpec, address: { host: string; port: number }) =>
    (nginxSpans ??= openSpanListener((line) => parseNginxSpanLine(line, { service: nginx.name, instanceId: formatInstanceId(nginx.name, 1), address: `${address.host}:${address.port}` })));

  function addressOf(spec: ServiceSpec, index: number) {
    const id = formatInstanceId(spec.name, index);
    let address = addresses.get(id);
    if (!address) {
      const { host } = planAddress({ spec, index });
      addresses.set(id, (address = borrowPort(host).then((port) => ({ host, port }))));
    }
    return address;
  }

  // Written once per topology run, before the first instance that needs them starts.
  let redisSecrets: RedisSecrets | undefined;
  let externalRedis: ExternalRedisCredentials | undefined;
  const redisSecretsOf = () => (redisSecrets ??= writeRedisSecrets(dataDir));

  /** A user and a password file (never the password itself) for an instance that talks to Redis. */
  function credentialsEnv(username: string | undefined, passwordFile: string | undefined): Record<string, string> {
    return { ...(username ? { [envNames.redisUsername]: username } : {}), ...(passwordFile ? { [`${envNames.redisPassword}_FILE`]: passwordFile } : {}) };
  }

  async function redisEnv(spec: ServiceSpec): Promise<Record<string, string>> {
    const redis = programOf('redis');
    const role = redisRoleOf(spec.name);
    if (backends.redisUrl !== undefined) {
      // topolab manages no ACL on an external Redis: every instance with a role uses the URL's credentials.
      const external = (externalRedis ??= writeExternalRedisCredentials(dataDir, backends.redisUrl));
      return { [envNames.redisUrl]: external.url, [envNames.redisPeer]: 'redis', ...(role ? credentialsEnv(external.username, external.passwordFile) : {}) };
    }
    if (!redis) return {};
    const { host, port } = await addressOf(redis, 1);
    return {
      [envNames.redisUrl]: formatRedisUrl(host, port),
      [envNames.redisPeer]: formatInstanceId(redis.name, 1),
      ...(role ? credentialsEnv(role, redisSecretsOf().passwordFile(role)) : {}),
    };
  }

  async function nginxEnv(): Promise<Record<string, string>> {
    const nginx = programOf('nginx');
    if (!nginx) return {};
    const address = await addressOf(nginx, 1);
    const spans = await nginxSpansOf(nginx, address);
    return {
      [envNames.nginxHost]: address.host,
      [envNames.nginxPort]: String(address.port),
      [envNames.nginxDir]: join(dataDir, nginx.name),
      [envNames.nginxInstance]: formatInstanceId(nginx.name, 1),
      [envNames.nginxLogAddress]: spans.address,
      // As root, nginx's worker runs as the topology's own user, as every other instance does (nobody cannot enter the 0700 data dir).
      ...(process.getuid?.() === 0 ? { [envNames.nginxWorkerUser]: userInfo().username } : {}),
    };
  }

  /** How each kind of program runs (the manifest's `program.launcher`), in `<data-dir>/<service>`. */
  const launchers: Record<ProgramLauncher, (launch: ProgramLaunchInput) => Promise<ProgramLaunch>> = {
    redis: async ({ spec, binary, address }) => redisLaunch({ binary, ...address, dir: join(dataDir, spec.name), aclFile: redisSecretsOf().aclFile }),
    nginx: async ({ spec, binary, index, address, registryUrl }) =>
      nginxLaunch({ binary, ...address, dir: join(dataDir, spec.name), instanceId: formatInstanceId(spec.name, index), registryUrl, spans: await nginxSpansOf(spec, address), healthPath: spec.program?.healthPath }),
  };

  return {
    addressOf,
    async envFor(spec) {
      return {
        [envNames.cacheBackend]: backends.cache,
        [envNames.busBackend]: backends.bus,
        ...(await redisEnv(spec)),
        ...(spec.launchEnv?.includes('nginx') ? await nginxEnv() : {}),
      };
    },
    async spawnerOf(spec, index, address, registryUrl) {
      const binary = options.programs.get(spec.name);
      if (!binary || !spec.program) throw new Error(`No binary was found for ${spec.name}`);
      return createProgramSpawner(await launchers[spec.program.launcher]({ spec, binary, index, address, registryUrl }));
    },
    async close() {
      await (await nginxSpans)?.close();
    },
  };
}

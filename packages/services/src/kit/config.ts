import { busBackendNames, cacheBackendNames, type BusBackendName, type CacheBackendName } from '../contract/backends.js';
import { readFileSync } from 'node:fs';
import { envNames, secretEnvNames } from '../contract/env.js';
import { timingsPresets } from '../contract/timings.js';
import type { PublicJwk } from '../contract/signing-keys.js';
import { publicJwkSchema } from './jwk.js';
import * as z from './zod.js';

export type { PublicJwk } from '../contract/signing-keys.js';

const defaults = timingsPresets.compressed;
const integer = (fallback: number, min = 0) => z._default(z.coerce.number().check(z.int(), z.gte(min)), fallback);
const nonEmpty = () => z.string().check(z.minLength(1));

/** The configuration every instance shares, read from `TOPOLAB_*` variables. */
export const baseConfigSchema = z
  .object({
    [envNames.service]: nonEmpty(),
    [envNames.instanceId]: nonEmpty(),
    [envNames.host]: z._default(z.string(), '127.0.0.1'),
    [envNames.advertiseHost]: z.optional(nonEmpty()),
    [envNames.port]: z.pipe(integer(0), z.number().check(z.lte(65535))),
    [envNames.registryUrl]: z.optional(z.url()),
    [envNames.dataDir]: z.optional(nonEmpty()),
    [envNames.heartbeatMs]: integer(defaults.heartbeatMs, 10),
    [envNames.missedHeartbeats]: integer(defaults.missedHeartbeats, 1),
    [envNames.sweepIntervalMs]: integer(defaults.sweepIntervalMs, 10),
    [envNames.catalogRefreshMs]: integer(defaults.catalogRefreshMs, 10),
    [envNames.logLevel]: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
    [envNames.bodyLimit]: integer(1024 * 1024, 1),
    [envNames.cacheBackend]: z._default(z.enum(cacheBackendNames), 'embedded'),
    [envNames.busBackend]: z._default(z.enum(busBackendNames), 'embedded'),
    [envNames.redisUrl]: z.optional(z.url({ protocol: /^rediss?$/ })),
    [envNames.redisPeer]: z._default(nonEmpty(), 'redis'),
    [envNames.redisUsername]: z.optional(nonEmpty()),
    [envNames.redisPassword]: z.optional(nonEmpty()),
    [envNames.clientId]: z.optional(nonEmpty()),
    [envNames.clientSecret]: z.optional(z.string().check(z.minLength(16))),
    [envNames.authPublicKey]: z.optional(publicJwkSchema),
    [envNames.identityPublicKey]: z.optional(publicJwkSchema),
    [envNames.platformTokensDir]: z.optional(nonEmpty()),
  })
  .check(
    z.refine((env) => env[envNames.redisUrl] !== undefined || (env[envNames.cacheBackend] !== 'redis' && env[envNames.busBackend] !== 'redis'), {
      message: 'a redis backend needs a redis:// URL',
      path: [envNames.redisUrl],
    }),
  );

/** The validated, frozen configuration of one instance. */
export interface ServiceConfig {
  readonly service: string;
  readonly instanceId: string;
  readonly host: string;
  readonly port: number;
  /** The host registered for this instance when it is not the one it listens on (TOPOLAB_ADVERTISE_HOST). */
  readonly advertiseHost: string | undefined;
  /** Absent only for the registry itself. */
  readonly registryUrl: string | undefined;
  /** Absent for services that keep no data. */
  readonly dataDir: string | undefined;
  readonly heartbeatMs: number;
  readonly missedHeartbeats: number;
  readonly sweepIntervalMs: number;
  readonly catalogRefreshMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly bodyLimit: number;
  /** What backs the global cache and the bus for this instance's clients. */
  readonly backends: { readonly cache: CacheBackendName; readonly bus: BusBackendName };
  /**
   * The topology's Redis, when a backend runs on it, and the ACL user this instance connects
   * as (absent: the URL's own credentials, if any).
   */
  readonly redis: { readonly url: string; readonly peer: string; readonly username?: string; readonly password?: string } | undefined;
  /** This instance's client credentials for service tokens; absent when the runtime gave none. */
  readonly client: { readonly id: string; readonly secret: string } | undefined;
  /** Public keys handed over at start: auth's (service and access tokens) and the gateways' (identity assertions). */
  readonly keys: { readonly auth: PublicJwk | undefined; readonly identity: PublicJwk | undefined };
  /** Where the runtime keeps this instance's platform tokens fresh (TOPOLAB_PLATFORM_TOKENS_DIR); absent outside the runtime. */
  readonly platformTokensDir: string | undefined;
}

/** Thrown when the environment does not describe a valid instance; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid instance configuration: ${problems.join('; ')}`);
  }
}

/**
 * `env` with each secret given as `<NAME>_FILE` read from its file (trailing newline dropped);
 * a variable set directly wins. A file that cannot be read is a ConfigError naming the variable.
 */
export function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let resolved: NodeJS.ProcessEnv | undefined;
  for (const name of secretEnvNames) {
    const file = env[`${name}_FILE`];
    if (file === undefined || env[name] !== undefined) continue;
    try {
      (resolved ??= { ...env })[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError([`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  }
  return resolved ?? env;
}

/** Validates `env` (secrets from their `_FILE`s too) against `schema`, throwing a ConfigError that names each bad variable. */
export function parseEnv<S extends z.core.$ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = z.safeParse(schema, withSecretFiles(env));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}

/** Reads the shared configuration once, at start. */
export function parseServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const raw = parseEnv(baseConfigSchema, env);
  const redisUrl = raw[envNames.redisUrl];
  const redisUsername = raw[envNames.redisUsername];
  const redisPassword = raw[envNames.redisPassword];
  const clientId = raw[envNames.clientId];
  const clientSecret = raw[envNames.clientSecret];
  return Object.freeze({
    service: raw[envNames.service],
    instanceId: raw[envNames.instanceId],
    host: raw[envNames.host],
    port: raw[envNames.port],
    advertiseHost: raw[envNames.advertiseHost],
    registryUrl: raw[envNames.registryUrl],
    dataDir: raw[envNames.dataDir],
    heartbeatMs: raw[envNames.heartbeatMs],
    missedHeartbeats: raw[envNames.missedHeartbeats],
    sweepIntervalMs: raw[envNames.sweepIntervalMs],
    catalogRefreshMs: raw[envNames.catalogRefreshMs],
    logLevel: raw[envNames.logLevel],
    bodyLimit: raw[envNames.bodyLimit],
    backends: Object.freeze({ cache: raw[envNames.cacheBackend], bus: raw[envNames.busBackend] }),
    redis:
      redisUrl === undefined
        ? undefined
        : Object.freeze({
            url: redisUrl,
            peer: raw[envNames.redisPeer],
            ...(redisUsername === undefined ? {} : { username: redisUsername }),
            ...(redisPassword === undefined ? {} : { password: redisPassword }),
          }),
    client: clientId === undefined || clientSecret === undefined ? undefined : Object.freeze({ id: clientId, secret: clientSecret }),
    keys: Object.freeze({ auth: raw[envNames.authPublicKey], identity: raw[envNames.identityPublicKey] }),
    platformTokensDir: raw[envNames.platformTokensDir],
  });
}

/**
 * Reads a service's configuration at start; an invalid one ends the process with exit code 2
 * and one line naming each bad variable (the supervisor shows it with the instance's last lines).
 */
export function loadConfig<C>(parse: () => C): C {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

import type { Redis } from 'ioredis';
import { redisRoleOf, redisRoles } from '../../contract/redis-acl.js';
import type { ServiceConfig } from '../config.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { HttpClient } from '../http/client.js';
import type { Telemetry } from '../telemetry.js';
import { createBusClient, type BusClient } from './bus-client.js';
import { createCacheClient, type CacheClient } from './cache-client.js';
import { createRedisBusClient } from './redis/redis-bus-client.js';
import { createRedisCacheClient } from './redis/redis-cache-client.js';
import { closeRedisConnection, openRedisConnection } from './redis/redis-connection.js';
import { createRedisTracer } from './redis/redis-spans.js';
import { defaultBusIdleTimeoutMs } from './bus-subscription.js';

/** What createBackendClients needs: the instance's config and its ways to reach other services. */
export interface BackendClientsOptions {
  readonly config: Pick<ServiceConfig, 'service' | 'instanceId' | 'backends' | 'redis'>;
  readonly telemetry: Telemetry;
  readonly catalog: Pick<CatalogCache, 'instances'>;
  readonly caller: ServiceCaller;
  readonly http: HttpClient;
}

/** The bus and the global cache as this instance reaches them. */
export interface BackendClients {
  readonly bus: BusClient;
  readonly cache: CacheClient;
  /** Closes the Redis connections (subscriptions close their own). */
  close(): void;
}

/**
 * Builds the bus and cache clients for the backends in the instance's config: the embedded
 * `bus` and `cache` services through the registry, or Redis directly (one command connection,
 * opened on first use, shared by both; one blocking connection per subscription). Callers see
 * the same BusClient and CacheClient either way. On Redis the instance acts as its service's
 * role (contract/redis-acl.ts): only the epoch writer (auth) writes the bus epoch.
 */
export function createBackendClients(options: BackendClientsOptions): BackendClients {
  const { config, telemetry } = options;
  const { redis: target } = config;
  let shared: Redis | undefined;
  const connection = () => {
    if (!target) throw new Error('This instance has no Redis URL.');
    return (shared ??= openRedisConnection({ target, telemetry, name: `${config.instanceId}:commands` }));
  };
  const trace = target ? createRedisTracer(telemetry, target) : undefined;
  const roleName = redisRoleOf(config.service);
  const role = roleName === undefined ? undefined : redisRoles[roleName];

  const cache: CacheClient =
    config.backends.cache === 'redis' ? createRedisCacheClient({ redis: connection(), trace: trace! }) : createCacheClient(options.caller);
  const bus: BusClient =
    config.backends.bus === 'redis'
      ? createRedisBusClient({
          redis: connection(),
          trace: trace!,
          peer: target!.peer,
          writesEpoch: role?.writesBusEpoch ?? false,
          openBlocking: (topic) => openRedisConnection({ target: target!, telemetry, name: `${config.instanceId}:${topic}`, blockingIdleMs: defaultBusIdleTimeoutMs }),
        })
      : createBusClient({ catalog: options.catalog, caller: options.caller, http: options.http });
  return {
    bus,
    cache,
    close() {
      if (shared) closeRedisConnection(shared);
    },
  };
}

/**
 * Which implementation backs each swappable part of the topology (`--cache`, `--bus`, `--lb`).
 * `embedded`: topolab's own Node service (the default: nothing to install but Node).
 * `redis`: a real Redis — a supervised `redis-server`, or the one `REDIS_URL` names.
 * `nginx`: a real nginx whose upstreams `nginx-sync` renders from the registry (consul-template style).
 */
export const cacheBackendNames = ['embedded', 'redis'] as const;
/** The message bus: the embedded `bus` service, or Redis Streams. */
export const busBackendNames = ['embedded', 'redis'] as const;
/** The server-side load balancer: the embedded `lb` service, or nginx. */
export const lbBackendNames = ['embedded', 'nginx'] as const;

/** What backs the global cache. */
export type CacheBackendName = (typeof cacheBackendNames)[number];
/** What carries the bus topics. */
export type BusBackendName = (typeof busBackendNames)[number];
/** What does server-side discovery. */
export type LbBackendName = (typeof lbBackendNames)[number];

/** The backends a topology runs with. */
export interface TopologyBackends {
  readonly cache: CacheBackendName;
  readonly bus: BusBackendName;
  readonly lb: LbBackendName;
}

/** Every part embedded: the README's first command needs nothing but Node. */
export const defaultBackends: TopologyBackends = Object.freeze({ cache: 'embedded', bus: 'embedded', lb: 'embedded' });

/** Whether any part runs on Redis. */
export function usesRedis(backends: Pick<TopologyBackends, 'cache' | 'bus'>): boolean {
  return backends.cache === 'redis' || backends.bus === 'redis';
}

/**
 * The Redis keys topolab uses, all under `topolab:` so a shared Redis (`REDIS_URL`) keeps
 * them apart from its other data.
 */
export const redisKeys = Object.freeze({
  /** A global-cache entry (`topolab:cache:token:<jti>`): the JSON value, with the entry's TTL as the key's. */
  cache: (key: string) => `topolab:cache:${key}`,
  /** The stream of a bus topic (`topolab:bus:token.revoked`); entry ids are `0-<seq>`, so the seq of a message is its id's second part. */
  busStream: (topic: string) => `topolab:bus:${topic}`,
  /** A random id written once (SET NX) per Redis data set: another value means the streams started afresh (a restarted Redis without persistence). */
  busEpoch: 'topolab:bus:epoch',
});

/** Messages kept per topic stream (`XADD … MAXLEN ~`), as the embedded bus retains. */
export const redisStreamRetain = 1000;

/** `127.0.11.1:41234` of a `redis://` URL, for span attributes and messages: never the credentials a URL may hold. */
export function redisAddressOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

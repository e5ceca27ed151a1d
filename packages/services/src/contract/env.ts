/**
 * Environment variables the supervisor sets for every instance. The kit validates them
 * once at start (`parseServiceConfig`); nothing else reads the environment.
 */
export const envNames = Object.freeze({
  service: 'TOPOLAB_SERVICE',
  instanceId: 'TOPOLAB_INSTANCE_ID',
  host: 'TOPOLAB_HOST',
  port: 'TOPOLAB_PORT',
  /**
   * The host others reach this instance at, registered in the registry instead of TOPOLAB_HOST
   * (Consul's `advertise`): a container listens on 0.0.0.0 and is reached by its name (`profile-1`).
   */
  advertiseHost: 'TOPOLAB_ADVERTISE_HOST',
  registryUrl: 'TOPOLAB_REGISTRY_URL',
  dataDir: 'TOPOLAB_DATA_DIR',
  heartbeatMs: 'TOPOLAB_HEARTBEAT_MS',
  missedHeartbeats: 'TOPOLAB_MISSED_HEARTBEATS',
  sweepIntervalMs: 'TOPOLAB_SWEEP_INTERVAL_MS',
  catalogRefreshMs: 'TOPOLAB_CATALOG_REFRESH_MS',
  logLevel: 'TOPOLAB_LOG_LEVEL',
  bodyLimit: 'TOPOLAB_BODY_LIMIT',
  upstreamTimeoutMs: 'TOPOLAB_UPSTREAM_TIMEOUT_MS',
  /** Idle time between two chunks of a client's request body before the proxy answers 408, ms. */
  clientBodyTimeoutMs: 'TOPOLAB_CLIENT_BODY_TIMEOUT_MS',
  discoveryMode: 'TOPOLAB_DISCOVERY_MODE',
  authMode: 'TOPOLAB_AUTH_MODE',
  /** `1` lets the gateway run the bench-only auth mode `none` (no token check); only `topolab bench` sets it. */
  benchNoAuth: 'TOPOLAB_BENCH_NO_AUTH',
  accessTokenTtlS: 'TOPOLAB_ACCESS_TOKEN_TTL_S',
  refreshTokenTtlS: 'TOPOLAB_REFRESH_TOKEN_TTL_S',
  /** The loopback URL of the gateway instance's own sidecar (`http://127.0.9.1:41234`). */
  sidecarUrl: 'TOPOLAB_SIDECAR_URL',
  /** Token-bucket refill per client address and per user, requests per second. */
  rateLimitRps: 'TOPOLAB_RATE_LIMIT_RPS',
  /** Token-bucket size (burst). */
  rateLimitBurst: 'TOPOLAB_RATE_LIMIT_BURST',
  /** 401/429 answers in the window after which a client is blocked. */
  blacklistThreshold: 'TOPOLAB_BLACKLIST_THRESHOLD',
  /** The window in which those answers are counted, ms. */
  blacklistWindowMs: 'TOPOLAB_BLACKLIST_WINDOW_MS',
  /** How long a blocked client stays blocked, ms. */
  blacklistBlockMs: 'TOPOLAB_BLACKLIST_BLOCK_MS',
  /** How long a cached token verdict lives in local/sidecar caches while revocations flow, ms. */
  authCacheTtlMs: 'TOPOLAB_AUTH_CACHE_TTL_MS',
  /** How long it lives while the bus is unreachable (revocations may be missed), ms. */
  authFallbackTtlMs: 'TOPOLAB_AUTH_FALLBACK_TTL_MS',
  /** Interval of the bus's `:keep-alive` comment on subscription streams, ms (subscribers treat 3 s of silence as a break). */
  busKeepAliveMs: 'TOPOLAB_BUS_KEEP_ALIVE_MS',
  /** Consecutive failures after which discovery skips an instance until the registry vouches for it. */
  passiveHealthFailures: 'TOPOLAB_PASSIVE_HEALTH_FAILURES',
  /** `embedded` (the `cache` service, found in the registry) or `redis` (TOPOLAB_REDIS_URL, used directly). */
  cacheBackend: 'TOPOLAB_CACHE_BACKEND',
  /** `embedded` (the `bus` service) or `redis` (Redis Streams at TOPOLAB_REDIS_URL). */
  busBackend: 'TOPOLAB_BUS_BACKEND',
  /** `redis://127.0.11.1:41234`: the Redis of the topology (a supervised redis-server, or REDIS_URL). */
  redisUrl: 'TOPOLAB_REDIS_URL',
  /** How traces name that Redis (`redis#1`, or `redis` for one topolab does not run). */
  redisPeer: 'TOPOLAB_REDIS_PEER',
  /** The Redis ACL user this instance connects as (its role, contract/redis-acl.ts), and its password (given as a file, `_FILE`). */
  redisUsername: 'TOPOLAB_REDIS_USERNAME',
  redisPassword: 'TOPOLAB_REDIS_PASSWORD',
  /** The address nginx listens on (`127.0.12.1`), for nginx-sync's config and the registration it makes for nginx. */
  nginxHost: 'TOPOLAB_NGINX_HOST',
  /** The port nginx listens on. */
  nginxPort: 'TOPOLAB_NGINX_PORT',
  /** nginx's prefix directory: nginx.conf, pid file, error log, temp paths. */
  nginxDir: 'TOPOLAB_NGINX_DIR',
  /** The instance id nginx is registered under (`nginx#1`). */
  nginxInstance: 'TOPOLAB_NGINX_INSTANCE',
  /** `127.0.0.1:41234`: the supervisor's syslog receiver for nginx's access log (its spans). */
  nginxLogAddress: 'TOPOLAB_NGINX_LOG_ADDRESS',
  /**
   * The user nginx's worker runs as (`user` directive), set when the supervisor runs as root:
   * nginx would otherwise drop its worker to `nobody`, which cannot enter the private (0700) data
   * dir that holds its temp paths, and every body or response nginx spools to disk would end in 500.
   */
  nginxWorkerUser: 'TOPOLAB_NGINX_WORKER_USER',
  /** PEM files of the gateway's TLS certificate (chain) and key; unset without TLS (`--no-tls`). */
  tlsCertFile: 'TOPOLAB_TLS_CERT_FILE',
  tlsKeyFile: 'TOPOLAB_TLS_KEY_FILE',
  /** The gateway's plain-HTTP port, which answers 308 to the HTTPS URL while TLS is on (0: any). */
  redirectPort: 'TOPOLAB_REDIRECT_PORT',
  /** The HTTPS port the redirect points to (the public one, shared by every gateway). */
  httpsPort: 'TOPOLAB_HTTPS_PORT',
  /** This instance's OAuth client id (its instance id) and secret, for service tokens (contract/service-auth.ts). */
  clientId: 'TOPOLAB_CLIENT_ID',
  clientSecret: 'TOPOLAB_CLIENT_SECRET',
  /** auth only: the topology's client key, from which every client's secret is derived. */
  clientKey: 'TOPOLAB_CLIENT_KEY',
  /**
   * Auth's public signing key (a JWK with its `kid`), handed to every instance at start so service
   * tokens and access tokens verify without asking auth first (auth's JWKS is still fetched for a `kid` not known yet).
   */
  authPublicKey: 'TOPOLAB_AUTH_PUBLIC_KEY',
  /** auth only: its private Ed25519 signing key (a JWK), which the runtime creates in the data dir. */
  authSigningKey: 'TOPOLAB_AUTH_SIGNING_KEY',
  /** The gateways' public identity key (a JWK with its `kid`): every service verifies identity assertions with it (contract/identity.ts). */
  identityPublicKey: 'TOPOLAB_IDENTITY_PUBLIC_KEY',
  /** gateways only: the private key identity assertions are signed with (a JWK). */
  identityKey: 'TOPOLAB_IDENTITY_KEY',
  /**
   * A folder the runtime keeps this instance's platform service tokens in (`registry.jwt`,
   * `bus.jwt`, `cache.jwt`), rewritten well before they expire, like a Kubernetes projected
   * service-account token: registering and subscribing never wait for auth. Without it (an
   * export) the instance asks auth for them with its client credentials.
   */
  platformTokensDir: 'TOPOLAB_PLATFORM_TOKENS_DIR',
  /** The DNS zone the dns service is authoritative for (`topolab.test`). */
  dnsZone: 'TOPOLAB_DNS_ZONE',
  /** The port the dns service answers on, UDP and TCP (0: any). */
  dnsPort: 'TOPOLAB_DNS_PORT',
} as const);

/**
 * The secrets among them. Each may instead be given as `<NAME>_FILE`, the path of a file that
 * holds it (the convention of Docker's official images, for Compose and Kubernetes secrets).
 */
export const secretEnvNames: readonly string[] = Object.freeze([envNames.clientSecret, envNames.clientKey, envNames.authSigningKey, envNames.identityKey, envNames.redisPassword]);

/** The variable each topology secret is handed over in (as `<NAME>_FILE`). */
export const topologySecretEnv = Object.freeze({
  clientKey: envNames.clientKey,
  authSigningKey: envNames.authSigningKey,
  identityKey: envNames.identityKey,
} as const);

/** The name of one `TOPOLAB_*` variable. */
export type EnvName = (typeof envNames)[keyof typeof envNames];

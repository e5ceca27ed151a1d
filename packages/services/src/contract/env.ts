/**
 * Environment variables the supervisor sets for every instance. The kit validates them
 * once at start (`parseServiceConfig`); nothing else reads the environment.
 */
export const envNames = Object.freeze({
  service: 'TOPOLAB_SERVICE',
  instanceId: 'TOPOLAB_INSTANCE_ID',
  host: 'TOPOLAB_HOST',
  port: 'TOPOLAB_PORT',
  registryUrl: 'TOPOLAB_REGISTRY_URL',
  dataDir: 'TOPOLAB_DATA_DIR',
  heartbeatMs: 'TOPOLAB_HEARTBEAT_MS',
  missedHeartbeats: 'TOPOLAB_MISSED_HEARTBEATS',
  sweepIntervalMs: 'TOPOLAB_SWEEP_INTERVAL_MS',
  catalogRefreshMs: 'TOPOLAB_CATALOG_REFRESH_MS',
  logLevel: 'TOPOLAB_LOG_LEVEL',
  bodyLimit: 'TOPOLAB_BODY_LIMIT',
  upstreamTimeoutMs: 'TOPOLAB_UPSTREAM_TIMEOUT_MS',
  discoveryMode: 'TOPOLAB_DISCOVERY_MODE',
  authMode: 'TOPOLAB_AUTH_MODE',
  accessTokenTtlS: 'TOPOLAB_ACCESS_TOKEN_TTL_S',
  refreshTokenTtlS: 'TOPOLAB_REFRESH_TOKEN_TTL_S',
} as const);

/** The name of one `TOPOLAB_*` variable. */
export type EnvName = (typeof envNames)[keyof typeof envNames];

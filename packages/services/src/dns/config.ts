import { edgeNames } from '../contract/edge.js';
import { envNames } from '../contract/env.js';
import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import * as z from '../kit/zod.js';

/** The dns service's configuration. */
export interface DnsConfig extends ServiceConfig {
  /** The zone it is authoritative for. */
  readonly zone: string;
  /** UDP and TCP port (0: any). */
  readonly dnsPort: number;
  /** TTL of its answers, seconds: the registry catalog's refresh interval, at least 1 s. */
  readonly ttlS: number;
}

const schema = z.object({
  [envNames.dnsZone]: z._default(z.string().check(z.regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/)), edgeNames.zone),
  [envNames.dnsPort]: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 0),
});

/** Reads the configuration once, at start. */
export function parseDnsConfig(env: NodeJS.ProcessEnv = process.env): DnsConfig {
  const base = parseServiceConfig(env);
  const raw = parseEnv(schema, env);
  return Object.freeze({ ...base, zone: raw[envNames.dnsZone], dnsPort: raw[envNames.dnsPort], ttlS: Math.max(1, Math.round(base.catalogRefreshMs / 1000)) });
}

import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import { defineRoute, Router } from '../kit/http/router.js';
import { createHttpServer } from '../kit/http/server.js';
import type { ServiceApp } from '../kit/service-main.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { DnsConfig } from './config.js';
import { createDnsServer } from './dns-server.js';
import { zoneFromCatalog, type ZoneRecords } from './zone.js';

/** Options of createDnsApp. */
export interface DnsAppOptions {
  readonly config: DnsConfig;
  readonly telemetry: Telemetry;
  /** The registry catalog the records come from (started by the app). */
  readonly catalog: CatalogCache;
}

/**
 * dns#1: authoritative for the topology's zone, answering from the registry's catalog as
 * Consul's DNS interface does. `www.<zone>` has one A record per registered gateway, updated by
 * the catalog's push stream (an evicted gateway's record is gone with the eviction). Its HTTP
 * side serves `/health` and `GET /dns/records` (the zone as JSON).
 */
export function createDnsApp(options: DnsAppOptions): ServiceApp {
  const { config, telemetry, catalog } = options;
  let records: ZoneRecords = { zone: config.zone, a: new Map(), version: 0 };
  let dnsAddress = { host: config.host, port: 0 };
  let www = '';
  const nameServer = `ns1.${config.zone}`;
  const dns = createDnsServer({ records: () => records, settings: { ttlS: config.ttlS, nameServer, nameServerAddress: config.host }, telemetry });

  const refresh = () => {
    if (!catalog.current) return;
    records = zoneFromCatalog(catalog.current, config.zone);
    const addresses = (records.a.get(`www.${config.zone}`) ?? []).join(',');
    if (addresses === www) return;
    www = addresses;
    telemetry.event('dns.records', { name: `www.${config.zone}`, addresses: addresses === '' ? [] : addresses.split(','), version: records.version });
  };
  const stopWatching = catalog.onChange(refresh);

  const router = new Router().add(
    defineRoute({ method: 'GET', path: '/health', handler: () => ({ status: 'ok', zone: config.zone, dns: `${dnsAddress.host}:${dnsAddress.port}`, version: records.version }) }),
    defineRoute({
      method: 'GET',
      path: '/dns/records',
      handler: () => ({ zone: config.zone, ttl: config.ttlS, version: records.version, a: Object.fromEntries(records.a) }),
    }),
  );
  const server = createHttpServer({ router, telemetry, bodyLimit: config.bodyLimit });

  return {
    server,
    // Registered with no route, as the other infrastructure services: it heartbeats and shows in the catalog.
    routes: [],
    async start() {
      dnsAddress = await dns.listen(config.host, config.dnsPort);
      await catalog.start(Date.now() + 10_000);
      refresh();
      telemetry.info('dns listening', { address: `${dnsAddress.host}:${dnsAddress.port}`, zone: config.zone });
    },
    endpoints: () => ({ dns: dnsAddress }),
    async close() {
      stopWatching();
      catalog.stop();
      await dns.close();
    },
  };
}


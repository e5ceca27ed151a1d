import type { Catalog, InstanceRecord, RouteEntry } from '../contract/registry-api.js';

/** What the store holds, as the catalog builder reads it. */
export interface CatalogSource {
  readonly epoch: string;
  readonly version: number;
  readonly routes: Iterable<RouteEntry>;
  /** Every service known in this epoch, live or not. */
  readonly services: Iterable<string>;
  readonly instances: Iterable<InstanceRecord>;
}

/** Orders routes longest prefix first (then alphabetically), so the first covering prefix wins. */
export function sortRoutes(routes: Iterable<RouteEntry>): RouteEntry[] {
  return [...routes].sort((a, b) => b.prefix.length - a.prefix.length || compareText(a.prefix, b.prefix));
}

/** Orders instances by instance id. */
export function sortInstances(instances: Iterable<InstanceRecord>): InstanceRecord[] {
  return [...instances].sort((a, b) => compareText(a.instanceId, b.instanceId));
}

/** Copies one instance record, leaving out an absent pid. */
export function copyInstance(record: InstanceRecord): InstanceRecord {
  const { service, instanceId, host, port, pid, registeredAt, lastHeartbeat } = record;
  return pid === undefined
    ? { service, instanceId, host, port, registeredAt, lastHeartbeat }
    : { service, instanceId, host, port, pid, registeredAt, lastHeartbeat };
}

/** Builds the `GET /v1/catalog` answer: a fresh copy, services by name, instances by id. */
export function buildCatalog(source: CatalogSource): Catalog {
  const byService = new Map<string, InstanceRecord[]>();
  for (const name of [...source.services].sort(compareText)) byService.set(name, []);
  for (const instance of source.instances) {
    const list = byService.get(instance.service) ?? [];
    list.push(copyInstance(instance));
    byService.set(instance.service, list);
  }
  const services: Record<string, readonly InstanceRecord[]> = {};
  for (const [name, list] of byService) services[name] = sortInstances(list);
  return {
    epoch: source.epoch,
    version: source.version,
    routes: sortRoutes(source.routes).map(copyRoute),
    services,
  };
}

/** Copies one route entry, leaving out an absent body limit. */
export function copyRoute(route: RouteEntry): RouteEntry {
  const { prefix, access, service, bodyLimit } = route;
  return bodyLimit === undefined ? { prefix, access, service } : { prefix, access, service, bodyLimit };
}

/** Formats where an instance listens, bracketing IPv6 (`[::1]:4100`). */
export function formatAddress(instance: Pick<InstanceRecord, 'host' | 'port'>): string {
  return instance.host.includes(':') ? `[${instance.host}]:${instance.port}` : `${instance.host}:${instance.port}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

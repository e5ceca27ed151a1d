import type { Catalog, InstanceRecord } from '../../contract/registry-api.js';

/**
 * A restarted registry (a new epoch) starts empty and refills as instances re-register on
 * their next heartbeat. While it refills, a client keeps what it knew from the old epoch for
 * the instances and routes the new catalog does not list yet: otherwise it would answer 404
 * and 503 for services that are alive and only a heartbeat away from being listed again.
 * The new catalog wins for everything it lists.
 */
export function mergeRefillingCatalog(fresh: Catalog, previous: Catalog): Catalog {
  const prefixes = new Set(fresh.routes.map((route) => route.prefix));
  const routes = [...fresh.routes, ...previous.routes.filter((route) => !prefixes.has(route.prefix))].sort((a, b) => b.prefix.length - a.prefix.length);
  const services: Record<string, readonly InstanceRecord[]> = { ...previous.services, ...fresh.services };
  for (const [service, known] of Object.entries(previous.services)) {
    const listed = fresh.services[service] ?? [];
    const ids = new Set(listed.map((instance) => instance.instanceId));
    services[service] = [...listed, ...known.filter((instance) => !ids.has(instance.instanceId))].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }
  return { ...fresh, routes, services };
}

import { randomUUID } from 'node:crypto';
import type {
  Catalog,
  CatalogChange,
  CatalogChangeKind,
  InstanceRecord,
  RegisterRequest,
  RouteEntry,
  RouteSpec,
} from '../contract/registry-api.js';
import { buildCatalog, copyInstance, copyRoute, sortInstances } from './catalog.js';
import { registryErrors } from './errors.js';

/** Options of createRegistryStore. */
export interface RegistryStoreOptions {
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
  /** Identifies this start of the registry. @default a random UUID */
  readonly epoch?: string;
}

/** What a registration did. */
export interface RegisterOutcome {
  /** False when the instance id was already registered (a re-registration). */
  readonly created: boolean;
  /** The change, or undefined when the registration repeated what the registry already knew. */
  readonly change: CatalogChange | undefined;
}

/** Instances of one service with the catalog version they belong to. */
export interface ServiceInstances {
  readonly epoch: string;
  readonly version: number;
  readonly instances: readonly InstanceRecord[];
}

/** Called synchronously after every change, with the state already updated. */
export type ChangeListener = (change: CatalogChange) => void;

/** The registry's in-memory state: instances, the route table, a version bumped on every change. */
export interface RegistryStore {
  readonly epoch: string;
  readonly version: number;
  /** Number of live instances. */
  readonly size: number;
  /** Adds or replaces an instance; throws REGISTRY_ROUTE_CONFLICT before changing anything. */
  register(request: RegisterRequest): RegisterOutcome;
  /** Renews a lease without changing the version; throws REGISTRY_INSTANCE_UNKNOWN. */
  heartbeat(instanceId: string): void;
  /** Removes an instance; throws REGISTRY_INSTANCE_UNKNOWN. */
  deregister(instanceId: string): CatalogChange;
  /** Evicts every instance whose last heartbeat is more than `leaseMs` old. */
  evictExpired(leaseMs: number): CatalogChange[];
  catalog(): Catalog;
  /** Live instances of `name`; undefined for a service never seen in this epoch. */
  service(name: string): ServiceInstances | undefined;
  /** Listens for changes; returns the function that stops listening. */
  onChange(listener: ChangeListener): () => void;
}

interface Entry {
  record: InstanceRecord;
  /** The routes as registered, in a comparable form. */
  routeKey: string;
}

/** Creates an empty registry state with a fresh epoch. */
export function createRegistryStore(options: RegistryStoreOptions = {}): RegistryStore {
  const clock = options.clock ?? Date.now;
  const epoch = options.epoch ?? randomUUID();
  const entries = new Map<string, Entry>();
  // Routes and service names outlive their instances, so the gateway can tell "no live instance" from "no such route".
  const routes = new Map<string, RouteEntry>();
  const services = new Set<string>();
  const listeners = new Set<ChangeListener>();
  let version = 0;

  function record(kind: CatalogChangeKind, instance: InstanceRecord): CatalogChange {
    version += 1;
    const change: CatalogChange = { version, kind, time: clock(), instance: copyInstance(instance) };
    for (const listener of listeners) listener(change);
    return change;
  }

  function remove(instanceId: string, kind: CatalogChangeKind): CatalogChange {
    const entry = entries.get(instanceId);
    if (!entry) throw registryErrors.REGISTRY_INSTANCE_UNKNOWN();
    entries.delete(instanceId);
    return record(kind, entry.record);
  }

  return {
    epoch,
    get version() {
      return version;
    },
    get size() {
      return entries.size;
    },
    register(request) {
      assertRoutesFree(routes, request.service, request.routes);
      const now = clock();
      const existing = entries.get(request.instanceId);
      const routeKey = keyRoutes(request.routes);
      const routesChanged = request.routes.some((route) => {
        const known = routes.get(route.prefix);
        return known?.access !== route.access || known.bodyLimit !== route.bodyLimit;
      });
      for (const route of request.routes) routes.set(route.prefix, copyRoute({ ...route, service: request.service }));
      services.add(request.service);
      if (existing && !routesChanged && existing.routeKey === routeKey && isSameInstance(existing.record, request)) {
        existing.record = { ...existing.record, lastHeartbeat: now };
        return { created: false, change: undefined };
      }
      const { service, instanceId, host, port, pid } = request;
      const next: InstanceRecord = { service, instanceId, host, port, ...(pid === undefined ? {} : { pid }), registeredAt: now, lastHeartbeat: now };
      entries.set(instanceId, { record: next, routeKey });
      return { created: !existing, change: record('registered', next) };
    },
    heartbeat(instanceId) {
      const entry = entries.get(instanceId);
      if (!entry) throw registryErrors.REGISTRY_INSTANCE_UNKNOWN();
      entry.record = { ...entry.record, lastHeartbeat: clock() };
    },
    deregister(instanceId) {
      return remove(instanceId, 'deregistered');
    },
    evictExpired(leaseMs) {
      const now = clock();
      const expired = [...entries.values()].filter((entry) => now - entry.record.lastHeartbeat > leaseMs);
      return sortInstances(expired.map((entry) => entry.record)).map((instance) => remove(instance.instanceId, 'evicted'));
    },
    catalog() {
      return buildCatalog({ epoch, version, routes: routes.values(), services, instances: [...entries.values()].map((entry) => entry.record) });
    },
    service(name) {
      if (!services.has(name)) return undefined;
      const instances = [...entries.values()].filter((entry) => entry.record.service === name).map((entry) => copyInstance(entry.record));
      return { epoch, version, instances: sortInstances(instances) };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function assertRoutesFree(routes: ReadonlyMap<string, RouteEntry>, service: string, wanted: readonly RouteSpec[]): void {
  for (const route of wanted) {
    const owner = routes.get(route.prefix);
    if (owner && owner.service !== service) {
      throw registryErrors.REGISTRY_ROUTE_CONFLICT({
        message: `The route prefix ${route.prefix} belongs to the service ${owner.service}, not ${service}.`,
      });
    }
  }
}

function isSameInstance(known: InstanceRecord, request: RegisterRequest): boolean {
  return known.service === request.service && known.host === request.host && known.port === request.port && known.pid === request.pid;
}

function keyRoutes(routes: readonly RouteSpec[]): string {
  return routes
    .map((route) => `${route.access} ${route.prefix} ${route.bodyLimit ?? ''}`)
    .sort()
    .join('\n');
}

/**
 * What the dashboard derives from the instance list: a tone per state, the faults each
 * instance offers, the services in tier order, and each service's replica count. Pure: no DOM.
 */
import type { DashboardInstance, InstanceAction } from '../protocol';

/** How an instance is coloured: ready green, starting/stopping amber, paused purple, zombie grey, down red. */
export type InstanceTone = 'ready' | 'transition' | 'paused' | 'zombie' | 'down' | 'unknown';

/** Whether the instance's process is gone (exited or crashed). */
export function isDown(instance: DashboardInstance): boolean {
  return instance.state === 'exited' || instance.state === 'crashed';
}

/** Whether the instance is frozen by a pause fault. */
export function isPaused(instance: DashboardInstance): boolean {
  return instance.state === 'paused' || instance.condition === 'paused';
}

/** Whether the instance plays dead (answers, but no longer heartbeats, or as its zombie fault says). */
export function isZombie(instance: DashboardInstance): boolean {
  return instance.zombie || instance.condition === 'zombie';
}

/** The tone of an instance's state. */
export function instanceTone(instance: DashboardInstance): InstanceTone {
  if (isDown(instance)) return 'down';
  if (isZombie(instance)) return 'zombie';
  if (isPaused(instance)) return 'paused';
  if (instance.state === 'starting' || instance.state === 'stopping') return 'transition';
  if (instance.state === 'ready') return 'ready';
  return 'unknown';
}

/** `ready`, `ready · zombie`, `crashed`: the state and the condition when it says more. */
export function stateLabel(instance: DashboardInstance): string {
  // `registered` is the instance's own last word, stale once the registry evicts it: the catalog column tells the truth.
  const condition = instance.condition === 'registered' ? undefined : instance.condition;
  return condition && condition !== instance.state ? `${instance.state} · ${condition}` : instance.state;
}

/** `true`, `false` or `unknown`: whether the registry's catalog holds the instance now. */
export function registeredAttribute(instance: DashboardInstance): 'true' | 'false' | 'unknown' {
  return instance.registered === undefined ? 'unknown' : instance.registered ? 'true' : 'false';
}

/** One fault button of an instance row. */
export interface FaultButton {
  readonly action: InstanceAction;
  readonly label: string;
  readonly disabled: boolean;
}

/** The fault buttons of an instance: kill, pause or resume, zombie or unzombie, restart. */
export function faultButtons(instance: DashboardInstance): FaultButton[] {
  const down = isDown(instance);
  return [
    { action: 'kill', label: 'kill', disabled: down },
    isPaused(instance) ? { action: 'resume', label: 'resume', disabled: down } : { action: 'pause', label: 'pause', disabled: down },
    isZombie(instance) ? { action: 'unzombie', label: 'unzombie', disabled: down } : { action: 'zombie', label: 'zombie', disabled: down },
    { action: 'restart', label: 'restart', disabled: false },
  ];
}

// Columns of the graph, left to right: client → edge → routing and auth → domain → state and plumbing.
const tierByService: Readonly<Record<string, number>> = {
  gateway: 1,
  dns: 1,
  lb: 2,
  nginx: 2,
  sidecar: 2,
  auth: 2,
  cache: 4,
  bus: 4,
  registry: 4,
  redis: 4,
  'nginx-sync': 4,
};

const serviceOrder = ['gateway', 'dns', 'lb', 'nginx', 'sidecar', 'auth', 'graphql', 'profile', 'chat', 'sms', 'mail', 'cache', 'bus', 'registry', 'redis', 'nginx-sync'];

/** The graph column of a service: 1 gateway, 2 lb/sidecar/auth, 3 domain services, 4 cache/bus/registry (0 is the client). */
export function tierOf(service: string, kind: DashboardInstance['kind']): number {
  return tierByService[service] ?? (kind === 'domain' ? 3 : 4);
}

/** The number after `#` in an instance id (`profile#2` → 2); 0 without one. */
export function instanceIndex(id: string): number {
  const match = /#(\d+)$/.exec(id);
  return match ? Number(match[1]) : 0;
}

/** One service and its instances. */
export interface ServiceGroup {
  readonly service: string;
  readonly kind: DashboardInstance['kind'];
  readonly tier: number;
  /** By instance number. */
  readonly instances: readonly DashboardInstance[];
  /** Instances not down nor stopping: what a scale to n compares with. */
  readonly replicas: number;
}

/** Orders two services by tier, then the usual order of the topology, then name. */
function compareServices(a: ServiceGroup, b: ServiceGroup): number {
  const rank = (service: string) => {
    const index = serviceOrder.indexOf(service);
    return index === -1 ? serviceOrder.length : index;
  };
  return a.tier - b.tier || rank(a.service) - rank(b.service) || a.service.localeCompare(b.service);
}

/** A service seen on this stream, to keep its section (and its scale control) once scaled to 0. */
export interface KnownService {
  readonly service: string;
  readonly kind: DashboardInstance['kind'];
}

/** The instances grouped by service, services in tier order, instances by number; `known` services without instances get an empty group. */
export function groupByService(instances: readonly DashboardInstance[], known: readonly KnownService[] = []): ServiceGroup[] {
  const byService = new Map<string, DashboardInstance[]>();
  const kinds = new Map<string, DashboardInstance['kind']>();
  for (const { service, kind } of known) {
    byService.set(service, []);
    kinds.set(service, kind);
  }
  for (const instance of instances) {
    const list = byService.get(instance.service);
    if (list) list.push(instance);
    else byService.set(instance.service, [instance]);
  }
  const groups = [...byService.entries()].map(([service, list]): ServiceGroup => {
    const sorted = [...list].sort((a, b) => instanceIndex(a.id) - instanceIndex(b.id) || a.id.localeCompare(b.id));
    const kind = sorted[0]?.kind ?? kinds.get(service) ?? 'infrastructure';
    return { service, kind, tier: tierOf(service, kind), instances: sorted, replicas: sorted.filter((instance) => !isDown(instance) && instance.state !== 'stopping').length };
  });
  return groups.sort(compareServices);
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { CpuFigures, ThroughputRow } from './bench-types.js';

/**
 * Clock ticks per second of the CPU times in `/proc/<pid>/stat` (the kernel's USER_HZ, which
 * it reports whatever its internal HZ: 100 on every architecture Node runs on).
 */
export const userHz = 100;

/** A process's share below this many µs of CPU per request is left out of a report. */
export const minCpuUsPerRequest = 2;

/** The fields of one `/proc/<pid>/stat` line the bench reads. */
export interface ProcStat {
  readonly pid: number;
  /** The command name, as the kernel keeps it (up to 15 bytes; spaces and parentheses allowed). */
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, in clock ticks (1/userHz s). */
  readonly ticks: number;
  /** cutime + cstime: the CPU of its children that exited and were waited for, in clock ticks. */
  readonly reapedChildTicks: number;
}

/**
 * Parses one `/proc/<pid>/stat` line: `pid (comm) state ppid … utime stime cutime cstime …`.
 * The comm may hold spaces and parentheses, so the fields after it are counted from the last
 * `)`. Undefined for a line that is not one.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // After the comm: state(3) ppid(4) pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime cutime cstime(17)
  const rest = line.slice(close + 1).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const values = [field(4), field(14), field(15), field(16), field(17)];
  if (!Number.isInteger(pid) || values.some((value) => !Number.isFinite(value))) return undefined;
  const [ppid, utime, stime, cutime, cstime] = values as [number, number, number, number, number];
  return { pid, comm: line.slice(open + 1, close), ppid, ticks: utime + stime, reapedChildTicks: cutime + cstime };
}

/** Whether this machine has a procfs to read CPU times from (Linux). */
export function hasProcfs(): boolean {
  return existsSync('/proc/self/stat');
}

/** The stat of every process on the machine, by pid (processes that end while read are skipped). */
export function readProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) stats.set(stat.pid, stat);
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/** A process whose CPU a row measures, and the group it is reported under. */
export interface CpuProcess {
  /** `gateway#1`, `profile` (both instances summed), `nginx`, `bench`. */
  readonly group: string;
  readonly pid: number;
  /**
   * Measure the CPU of its children that exited and were waited for (cutime + cstime) instead
   * of its own: how the bench process counts the wrk runs it started and reaped.
   */
  readonly reaped?: boolean;
  /** Its own CPU only, not its children's (the bench process: the instances are its children). */
  readonly alone?: boolean;
  /**
   * Not part of what serves the request, so left out of the total: the load generator, or the
   * instances off the request's path (`others`: the registry's heartbeats, chat, sms…).
   */
  readonly outside?: boolean;
}

/** The CPU ticks of every measured process at one moment: per pid (children included), its group and ticks. */
export type CpuSnapshot = ReadonlyMap<string, { readonly group: string; readonly ticks: number; readonly outside: boolean }>;

/**
 * Reads the CPU ticks of `processes` and of each one's child processes (nginx's workers,
 * whose ppid is the master), each child in its parent's group.
 */
export function snapshotCpu(processes: readonly CpuProcess[], stats: ReadonlyMap<number, ProcStat> = readProcStats()): CpuSnapshot {
  const snapshot = new Map<string, { group: string; ticks: number; outside: boolean }>();
  const all = [...stats.values()];
  for (const process of processes) {
    const own = stats.get(process.pid);
    if (!own) continue;
    const outside = process.outside ?? false;
    if (process.reaped) {
      snapshot.set(`${process.pid}:reaped`, { group: process.group, ticks: own.reapedChildTicks, outside });
      continue;
    }
    snapshot.set(String(process.pid), { group: process.group, ticks: own.ticks, outside });
    if (process.alone) continue;
    for (const child of all) if (child.ppid === process.pid) snapshot.set(String(child.pid), { group: process.group, ticks: child.ticks, outside });
  }
  return snapshot;
}

/**
 * The µs of CPU per request of each group between two snapshots: Δticks × 10⁶ / userHz /
 * requests (every group, rounded to 0.1 µs), and the total of the groups that serve (the
 * load generator and the instances off the path left out). A process that started during the window counts from zero; one
 * that ended during it is left out (its last ticks are unknown).
 */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuFigures {
  const ticks = new Map<string, { ticks: number; outside: boolean }>();
  for (const [key, end] of after) {
    const delta = Math.max(0, end.ticks - (before.get(key)?.ticks ?? 0));
    const group = ticks.get(end.group) ?? { ticks: 0, outside: end.outside };
    ticks.set(end.group, { ticks: group.ticks + delta, outside: group.outside });
  }
  const perRequest = (n: number) => (requests > 0 ? Math.round(((n * 1e6) / userHz / requests) * 10) / 10 : Number.NaN);
  const usPerRequest: Record<string, number> = {};
  let serving = 0;
  for (const [group, entry] of ticks) {
    usPerRequest[group] = perRequest(entry.ticks);
    if (!entry.outside) serving += entry.ticks;
  }
  return { usPerRequest, totalUs: perRequest(serving) };
}

/** What groupInstances reads of an instance. */
export interface CpuInstance {
  readonly id: string;
  readonly service: string;
  readonly pid: number | undefined;
}

/**
 * The services of the topology a row's `GET /profile/me` passes: profile alone for the
 * reference rows (direct, nginx, bare-node: their proxy is measured apart); for a gateway row
 * the gateway, auth (asked in remote mode, on a miss otherwise) and profile, the lb (embedded
 * or nginx) in server discovery, the sidecar in sidecar auth, and the cache (embedded or
 * Redis) in global and sidecar auth.
 */
export function requestPathOf(row: Pick<ThroughputRow, 'kind' | 'modes'>): string[] {
  if (row.kind !== 'gateway' || !row.modes) return ['profile'];
  const { discovery, auth } = row.modes;
  return [
    'gateway',
    ...(auth === 'sidecar' ? ['sidecar'] : []),
    ...(discovery === 'server' ? ['lb', 'nginx'] : []),
    'auth',
    ...(auth === 'global' || auth === 'sidecar' ? ['cache', 'redis'] : []),
    'profile',
  ];
}

/** The group of the instances off the request's path (registry, bus, chat, sms, mail, dns…), summed. */
export const offPathGroup = 'others';

/**
 * The instances as measured processes: an instance alone of its service under its id
 * (`gateway#1`, `lb#1`), the instances of a replicated service summed under the service's
 * name (`profile` for profile#1 + profile#2), and every instance of a service off the request's
 * path (`onPath`: requestPathOf) summed as `others` (outside the total: what they spend
 * meanwhile is not the request's).
 */
export function groupInstances(instances: readonly CpuInstance[], onPath: readonly string[]): CpuProcess[] {
  const perService = new Map<string, number>();
  for (const instance of instances) perService.set(instance.service, (perService.get(instance.service) ?? 0) + 1);
  return instances
    .filter((instance) => instance.pid !== undefined)
    .map((instance) =>
      onPath.includes(instance.service) ? { group: perService.get(instance.service)! > 1 ? instance.service : instance.id, pid: instance.pid! } : { group: offPathGroup, pid: instance.pid!, outside: true },
    );
}

/** The groups outside what serves the request: the instances off its path, and the load generator. */
export const outsideGroups: readonly string[] = Object.freeze([offPathGroup, 'bench', 'wrk']);

const groupOrder = ['gateway', 'sidecar', 'lb', 'nginx', 'bare-node', 'auth', 'cache', 'redis', 'profile'];

/**
 * Groups in reading order: the proxies first (gateway, sidecar, lb, nginx, bare-node), then
 * what they ask (auth, cache, redis), the service (profile), any other, and the groups outside
 * the total last (others, bench, wrk).
 */
export function orderCpuGroups(groups: Iterable<string>): string[] {
  const rank = (group: string) => {
    if (outsideGroups.includes(group)) return groupOrder.length + 1 + outsideGroups.indexOf(group);
    const service = group.replace(/#\d+$/, '');
    const index = groupOrder.indexOf(service);
    return index < 0 ? groupOrder.length : index;
  };
  return [...new Set(groups)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
}

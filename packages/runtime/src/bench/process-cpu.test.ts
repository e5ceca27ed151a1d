import { describe, expect, it } from 'vitest';
import { cpuPerRequest, groupInstances, hasProcfs, orderCpuGroups, parseProcStat, readProcStats, requestPathOf, snapshotCpu, type ProcStat } from './process-cpu.js';

// A real line's shape (Linux 6.1, `cat /proc/<pid>/stat`), with a comm holding spaces and parentheses.
const line = '4242 (node (worker) 1) S 4200 4242 4200 0 -1 4194560 17245 0 12 0 150 37 5 2 20 0 11 0 12345 1146880000 17771 18446744073709551615 1 1 0 0 0 0 0 16781312 17448 0 0 0 17 1 0 0 0 0 0';

const stat = (pid: number, ppid: number, ticks: number, reapedChildTicks = 0): ProcStat => ({ pid, comm: `p${pid}`, ppid, ticks, reapedChildTicks });

describe('parseProcStat', () => {
  it('reads pid, comm, ppid, utime + stime and cutime + cstime, counting the fields from the last parenthesis', () => {
    expect(parseProcStat(line)).toEqual({ pid: 4242, comm: 'node (worker) 1', ppid: 4200, ticks: 187, reapedChildTicks: 7 });
  });

  it('reads a comm that is a lone parenthesis, or spaces', () => {
    expect(parseProcStat('7 ()) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20')).toMatchObject({ pid: 7, comm: ')', ticks: 7 });
    expect(parseProcStat('8 (  ) S 2 8 8 0 -1 0 0 0 0 0 10 0 1 1 20')).toMatchObject({ comm: '  ', ppid: 2, ticks: 10, reapedChildTicks: 2 });
  });

  it('refuses what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (short) S 1 2')).toBeUndefined();
    expect(parseProcStat('x (node) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14')).toBeUndefined();
  });

  it.runIf(hasProcfs())('reads this process from /proc', () => {
    const self = readProcStats().get(process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(self?.ticks).toBeGreaterThanOrEqual(0);
  });
});

describe('CPU per request', () => {
  // nginx's master 10 with its worker 11; the gateway 20; the bench process 1 (whose children are everything).
  const before = new Map([[1, stat(1, 0, 500, 40)], [10, stat(10, 1, 5)], [11, stat(11, 10, 100)], [20, stat(20, 1, 1000)], [30, stat(30, 1, 7)], [31, stat(31, 1, 9)]]);
  const after = new Map([[1, stat(1, 0, 530, 70)], [10, stat(10, 1, 5)], [11, stat(11, 10, 120)], [20, stat(20, 1, 1150)], [30, stat(30, 1, 57)], [31, stat(31, 1, 59)], [12, stat(12, 10, 3)]]);
  const processes = [
    { group: 'nginx', pid: 10 },
    { group: 'gateway#1', pid: 20 },
    { group: 'profile', pid: 30 },
    { group: 'profile', pid: 31 },
    { group: 'bench', pid: 1, alone: true, outside: true },
    { group: 'wrk', pid: 1, reaped: true, outside: true },
  ];

  it('is Δ(utime + stime) × 10 000 / requests per group: children with their parent, replicas summed, the reaped wrk apart', () => {
    const cpu = cpuPerRequest(snapshotCpu(processes, before), snapshotCpu(processes, after), 10_000);
    // gateway: 150 ticks = 1.5 s over 10 000 requests = 150 µs; nginx: worker +20 and a new worker's 3; profile: 50 + 50.
    expect(cpu.usPerRequest).toEqual({ nginx: 23, 'gateway#1': 150, profile: 100, bench: 30, wrk: 30 });
    // The bench process and wrk are outside the total.
    expect(cpu.totalUs).toBe(273);
  });

  it('rounds to 0.1 µs, and is NaN without requests', () => {
    const cpu = cpuPerRequest(snapshotCpu([{ group: 'gateway#1', pid: 20 }], before), snapshotCpu([{ group: 'gateway#1', pid: 20 }], after), 7000);
    expect(cpu.usPerRequest['gateway#1']).toBe(214.3);
    expect(cpuPerRequest(snapshotCpu(processes, before), snapshotCpu(processes, after), 0).totalUs).toBeNaN();
  });

  it('leaves out a process that ended during the window, and one never seen', () => {
    const gone = new Map(after);
    gone.delete(20);
    expect(cpuPerRequest(snapshotCpu(processes, before), snapshotCpu(processes, gone), 10_000).usPerRequest['gateway#1']).toBeUndefined();
    expect(snapshotCpu([{ group: 'x', pid: 99 }], before).size).toBe(0);
  });

  it('groups instances: alone under its id, replicas under the service, those off the path as others', () => {
    const instances = [
      { id: 'gateway#1', service: 'gateway', pid: 20 },
      { id: 'profile#1', service: 'profile', pid: 30 },
      { id: 'profile#2', service: 'profile', pid: 31 },
      { id: 'registry#1', service: 'registry', pid: 40 },
      { id: 'chat#1', service: 'chat', pid: 41 },
      { id: 'auth#1', service: 'auth', pid: undefined },
    ];
    expect(groupInstances(instances, requestPathOf({ kind: 'gateway', modes: { discovery: 'client', auth: 'local' } }))).toEqual([
      { group: 'gateway#1', pid: 20 },
      { group: 'profile', pid: 30 },
      { group: 'profile', pid: 31 },
      { group: 'others', pid: 40, outside: true },
      { group: 'others', pid: 41, outside: true },
    ]);
    // On the nginx row the (idle) gateway is off the path.
    expect(groupInstances(instances, requestPathOf({ kind: 'nginx' }))[0]).toEqual({ group: 'others', pid: 20, outside: true });
  });

  it('knows the path of each row: profile behind a reference proxy; through a gateway, what its modes ask', () => {
    expect(requestPathOf({ kind: 'direct' })).toEqual(['profile']);
    expect(requestPathOf({ kind: 'bare-node' })).toEqual(['profile']);
    expect(requestPathOf({ kind: 'gateway', modes: { discovery: 'client', auth: 'remote' } })).toEqual(['gateway', 'auth', 'profile']);
    expect(requestPathOf({ kind: 'gateway', modes: { discovery: 'server', auth: 'global' } })).toEqual(['gateway', 'lb', 'nginx', 'auth', 'cache', 'redis', 'profile']);
    expect(requestPathOf({ kind: 'gateway', modes: { discovery: 'client', auth: 'sidecar' } })).toEqual(['gateway', 'sidecar', 'auth', 'cache', 'redis', 'profile']);
  });

  it('orders the groups proxies first, the groups outside the total last', () => {
    expect(orderCpuGroups(['wrk', 'profile', 'others', 'auth#1', 'gateway#1', 'bench', 'nginx', 'lb#1', 'bare-node', 'redis#1', 'sidecar#1', 'nginx#1'])).toEqual([
      'gateway#1',
      'sidecar#1',
      'lb#1',
      'nginx',
      'nginx#1',
      'bare-node',
      'auth#1',
      'redis#1',
      'profile',
      'others',
      'bench',
      'wrk',
    ]);
  });
});

import { formatInstanceId, holdsLease, registrationCommands, type ServiceSpec, type Timings } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { Supervisor } from '../supervisor/supervisor.js';

/**
 * The faults topolab injects into one instance.
 * `kill`: SIGKILL, a crash. `stop`: SIGTERM, then SIGKILL after the grace period.
 * `pause` / `resume`: SIGSTOP / SIGCONT, a hung process. `restart`: stop, then start the same
 * id again. `zombie` / `unzombie`: it keeps serving but stops heartbeating (the registry
 * evicts it), and back.
 */
export const faultActions = ['kill', 'stop', 'pause', 'resume', 'restart', 'zombie', 'unzombie'] as const;

/** One fault. */
export type FaultAction = (typeof faultActions)[number];

/** Whether `value` names a fault. */
export function isFaultAction(value: string): value is FaultAction {
  return (faultActions as readonly string[]).includes(value);
}

/** What a fault did. */
export interface FaultResult {
  readonly action: FaultAction;
  readonly instanceId: string;
  /** One line for people: `SIGKILL: pid 4242 is gone`. */
  readonly detail: string;
}

/** What createFaultInjector needs. */
export interface FaultInjectorOptions {
  readonly supervisor: Supervisor;
  readonly specOf: (service: string) => ServiceSpec | undefined;
  readonly timings: Timings;
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** Starts an instance again; `port` pins the address it had. */
  readonly start: (spec: ServiceSpec, index: number, port?: number) => Promise<InstanceInfo>;
}

/** Injects faults and remembers which processes were made zombies. */
export interface FaultInjector {
  /** Injects `action` into `instanceId`; SUPERVISOR_UNKNOWN_INSTANCE / SUPERVISOR_NOT_RUNNING when it does not apply. */
  inject(action: FaultAction, instanceId: string): Promise<FaultResult>;
  /** Whether the current process of this instance is a zombie (a new process is not). */
  isZombie(info: InstanceInfo): boolean;
}

/** Creates the fault injector of a topology. */
export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const { supervisor, graceMs, timings } = options;
  // Instance id → pid of the process that stopped heartbeating.
  const zombies = new Map<string, number | undefined>();

  const find = (id: string): InstanceInfo => {
    const info = supervisor.get(id);
    if (!info) throw runtimeError('SUPERVISOR_UNKNOWN_INSTANCE', { message: `No instance is called ${id}.`, details: { instanceId: id } });
    return info;
  };
  const live = (id: string): InstanceInfo => {
    const info = find(id);
    if (!isLiveState(info.state)) throw runtimeError('SUPERVISOR_NOT_RUNNING', { message: `${id} is not running (${info.state}).`, details: { instanceId: id, state: info.state } });
    return info;
  };
  const specOf = (info: InstanceInfo): ServiceSpec => {
    const spec = options.specOf(info.service);
    if (!spec) throw runtimeError('TOPOLOGY_UNKNOWN_SERVICE', { message: `This topology has no service ${info.service}.`, details: { service: info.service } });
    return spec;
  };

  const actions: Record<FaultAction, (id: string) => Promise<string>> = {
    async kill(id) {
      const { pid } = live(id);
      supervisor.signalInstance(id, 'SIGKILL');
      await supervisor.waitForExit(id);
      return `SIGKILL: pid ${pid} is gone`;
    },
    async stop(id) {
      const { pid } = live(id);
      await supervisor.stopInstance(id, { graceMs });
      return `SIGTERM: pid ${pid} exited (${describeExit(find(id))})`;
    },
    async pause(id) {
      const { pid } = live(id);
      supervisor.signalInstance(id, 'SIGSTOP');
      return `SIGSTOP: pid ${pid} is frozen and answers nothing`;
    },
    async resume(id) {
      const { pid, state } = live(id);
      supervisor.signalInstance(id, 'SIGCONT');
      return state === 'paused' ? `SIGCONT: pid ${pid} runs again` : `SIGCONT: pid ${pid} was not paused`;
    },
    async restart(id) {
      const before = find(id);
      const spec = specOf(before);
      if (isLiveState(before.state)) await supervisor.stopInstance(id, { graceMs });
      // Others hold the address of the registry, a gateway or a sidecar: it comes back on the same one.
      const pinned = keepsAddress(spec) && before.readyAt !== undefined ? before.port : undefined;
      const after = await options.start(spec, before.index, pinned);
      return `pid ${before.pid ?? '—'} → ${after.pid ?? '—'} on ${after.host}:${after.port}`;
    },
    async zombie(id) {
      const info = live(id);
      await leaseCommand(info, 'pause');
      zombies.set(id, info.pid);
      return `serves on but stops heartbeating: evicted after ${timings.heartbeatMs * timings.missedHeartbeats} ms`;
    },
    async unzombie(id) {
      await leaseCommand(live(id), 'resume');
      zombies.delete(id);
      return 'heartbeats again (and registers again once evicted)';
    },
  };

  // The lease is the instance's own, or kept for it by another (nginx-sync registers nginx).
  async function leaseCommand(info: InstanceInfo, what: 'pause' | 'resume'): Promise<void> {
    const spec = specOf(info);
    if (spec.registeredBy) {
      await supervisor.command(formatInstanceId(spec.registeredBy, 1), registrationCommands[what], { instanceId: info.id });
      return;
    }
    if (!holdsLease(spec) || spec.program) {
      throw runtimeError('TOPOLOGY_FAULT_UNSUPPORTED', { message: `${info.id} holds no registry lease, so it cannot stop heartbeating.`, details: { instanceId: info.id } });
    }
    await supervisor.command(info.id, `lease.${what}`);
  }

  return {
    async inject(action, instanceId) {
      const detail = await actions[action](instanceId);
      return { action, instanceId, detail };
    },
    isZombie: (info) => isLiveState(info.state) && zombies.has(info.id) && zombies.get(info.id) === info.pid,
  };
}

/** Whether other instances reach this service by the address they were given at start (not through the registry). */
function keepsAddress(spec: Pick<ServiceSpec, 'keepsAddress' | 'colocatedWith' | 'program'>): boolean {
  return spec.keepsAddress === true || spec.colocatedWith !== undefined || spec.program !== undefined;
}

function describeExit(info: InstanceInfo): string {
  return info.signal ? `signal ${info.signal}` : `code ${String(info.exitCode)}`;
}

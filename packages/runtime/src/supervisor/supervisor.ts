import type { ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { sharedBootGate, type BootGate } from './boot-gate.js';
import { spawnNodeChild, type SpawnChild } from './child-process.js';
import { isLiveState } from './instance-state.js';
import type { InstanceInfo } from './instance-info.js';
import { launchInstance, type ManagedInstance } from './managed-instance.js';
import type { SupervisorEventListener } from './supervisor-events.js';

/** Options of createSupervisor. */
export interface SupervisorOptions {
  /** Starts a child. @default spawnNodeChild (execa, IPC, piped output) */
  readonly spawn?: SpawnChild;
  /** Receives every event of every child. */
  readonly onEvent?: SupervisorEventListener;
  /** How long a child may take to report ready. @default 10000 */
  readonly startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping. @default 3000 */
  readonly graceMs?: number;
  /** Bounds how many children boot at once; the start timeout runs from each spawn. @default sharedBootGate (two per core, shared by the process's supervisors) */
  readonly bootGate?: BootGate;
}

/** What startInstance needs to run one instance. */
export interface StartInstanceOptions {
  /** The service; only `name`, `entry` and `startAfter` are used. */
  readonly spec: Pick<ServiceSpec, 'name' | 'entry' | 'startAfter'>;
  /** 1-based replica number; the instance id is `<name>#<index>`. */
  readonly index: number;
  /** Extra `TOPOLAB_*` variables (registry URL, data dir, timings); service, id, host and port are set from the other options. */
  readonly env?: Readonly<Record<string, string>>;
  readonly host: string;
  /** 0 lets the OS pick; the real port arrives with `ready`. */
  readonly port: number;
  /** Output and IPC log lines are appended here. */
  readonly logFile: string;
  /** @default the supervisor's startTimeoutMs */
  readonly startTimeoutMs?: number;
  /** Starts this instance instead of the supervisor's `spawn` (a program: createProgramSpawner). */
  readonly spawn?: SpawnChild;
}

/** Signals a fault may send: kill (a crash), pause and resume (a hung process). */
export type FaultSignal = 'SIGKILL' | 'SIGSTOP' | 'SIGCONT';

/** Starts, watches and stops the child processes of a topology. */
export interface Supervisor {
  /** Spawns an instance and resolves once it reported ready (SUPERVISOR_START_TIMEOUT / SUPERVISOR_START_FAILED otherwise, with its last log lines). */
  startInstance(options: StartInstanceOptions): Promise<InstanceInfo>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stopInstance(id: string, options?: { graceMs?: number }): Promise<void>;
  /**
   * Stops every instance, dependents first and the services they start after (the registry)
   * last; resolves when every child is gone. Every instance is marked as expected to exit at
   * once, so children that exit by themselves meanwhile (Ctrl-C reaches the whole process
   * group) are `exited`, not `crashed`.
   */
  stopAll(options?: { graceMs?: number }): Promise<void>;
  /** Sends a fault signal. SIGKILL makes the instance `crashed`; SIGSTOP `paused`; SIGCONT resumes it. */
  signalInstance(id: string, signal: FaultSignal): void;
  /** Sends a `command` over IPC and resolves with the reply's data (SUPERVISOR_COMMAND_TIMEOUT / _FAILED otherwise). */
  command(id: string, command: string, args?: Readonly<Record<string, unknown>>, options?: { timeoutMs?: number }): Promise<unknown>;
  /** A snapshot of one instance, or undefined. */
  get(id: string): InstanceInfo | undefined;
  /** Snapshots of every instance started so far (the latest process per id), in start order. */
  list(): InstanceInfo[];
  /** The last log lines (up to 50) of an instance. */
  lastLines(id: string): string[];
  /** Resolves when the current process of `id` is gone. */
  waitForExit(id: string): Promise<void>;
}

/** Creates a supervisor. Nothing is spawned until startInstance. */
export function createSupervisor(options: SupervisorOptions = {}): Supervisor {
  const spawn = options.spawn ?? spawnNodeChild;
  const emit: SupervisorEventListener = options.onEvent ?? (() => undefined);
  const defaultGrace = options.graceMs ?? 3000;
  const bootGate = options.bootGate ?? sharedBootGate;
  const instances = new Map<string, ManagedInstance>();

  const find = (id: string): ManagedInstance => {
    const instance = instances.get(id);
    if (!instance) throw runtimeError('SUPERVISOR_UNKNOWN_INSTANCE', { message: `No instance is called ${id}.`, details: { instanceId: id } });
    return instance;
  };

  return {
    async startInstance(start) {
      const id = `${start.spec.name}#${start.index}`;
      const assertNotRunning = () => {
        const existing = instances.get(id);
        if (existing && isLiveState(existing.info().state)) {
          throw runtimeError('SUPERVISOR_INSTANCE_EXISTS', { message: `${id} is already running.`, details: { instanceId: id } });
        }
      };
      assertNotRunning();
      // A free slot is taken at once, so the child is spawned before startInstance returns (no await).
      const release = bootGate.tryAcquire() ?? (await bootGate.acquire());
      let instance: ManagedInstance;
      try {
        assertNotRunning();
        instance = launchInstance({
          spec: start.spec,
          index: start.index,
          env: start.env ?? {},
          host: start.host,
          port: start.port,
          logFile: start.logFile,
          startTimeoutMs: start.startTimeoutMs ?? options.startTimeoutMs ?? 10_000,
          spawn: start.spawn ?? spawn,
          emit,
          register: (launched) => instances.set(id, launched),
        });
      } catch (error) {
        release();
        throw error;
      }
      void instance.ready.finally(release).catch(() => undefined);
      return instance.ready;
    },
    stopInstance: (id, stop = {}) => find(id).stop(stop.graceMs ?? defaultGrace),
    async stopAll(stop = {}) {
      const graceMs = stop.graceMs ?? defaultGrace;
      const all = [...instances.values()];
      // Ctrl-C in a terminal reaches the children too: an exit from now on is not a crash.
      for (const instance of all) instance.expectExit();
      const dependents = all.filter((instance) => instance.info().startAfter.length > 0);
      await Promise.all(dependents.map((instance) => instance.stop(graceMs)));
      await Promise.all(all.map((instance) => instance.stop(graceMs)));
    },
    signalInstance: (id, signal) => find(id).signal(signal),
    command: (id, command, args = {}, commandOptions = {}) => find(id).command(command, args, commandOptions.timeoutMs ?? 5000),
    get: (id) => instances.get(id)?.info(),
    list: () => [...instances.values()].map((instance) => instance.info()),
    lastLines: (id) => find(id).lastLines(),
    waitForExit: (id) => find(id).exited,
  };
}

import { dirname } from 'node:path';
import { envNames, formatInstanceId, type ServiceSpec } from '@topolab/services/contract';
import type { ChildHandle, SpawnChild } from './child-process.js';
import { openInstanceLog, type InstanceLog } from './instance-log.js';
import type { InstanceInfo } from './instance-info.js';
import { withPrivateUmask } from './private-umask.js';
import { SupervisedInstance } from './supervised-instance.js';
import { ensurePrivateDir } from '../topology/private-files.js';
import type { SupervisorEvent } from './supervisor-events.js';

/** What launchInstance needs. */
export interface LaunchOptions {
  readonly spec: Pick<ServiceSpec, 'name' | 'entry' | 'startAfter'>;
  readonly index: number;
  /** `TOPOLAB_*` variables besides service, instance id, host and port (which are set here). */
  readonly env: Readonly<Record<string, string>>;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  readonly spawn: SpawnChild;
  readonly emit: (event: SupervisorEvent) => void;
  /** Called once the child is spawned, before its first event. */
  readonly register: (instance: ManagedInstance) => void;
}

/** One running (or finished) child and everything the supervisor does with it. */
export interface ManagedInstance {
  readonly id: string;
  info(): InstanceInfo;
  lastLines(): string[];
  /** Resolves once the instance reported ready; rejects on timeout or early exit. */
  readonly ready: Promise<InstanceInfo>;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<void>;
  /** Marks the coming exit as asked for (not a crash) without signalling yet. */
  expectExit(): void;
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  command(command: string, args: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<unknown>;
}

/** The parent's environment without `TOPOLAB_*`: a child's configuration comes only from the supervisor. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('TOPOLAB_')) env[name] = value;
  }
  return env;
}

/** Spawns one instance and tracks it until it is gone. Throws synchronously when the spawn fails. */
export function launchInstance(options: LaunchOptions): ManagedInstance {
  const { spec, logFile } = options;
  const id = formatInstanceId(spec.name as ServiceSpec['name'], options.index);
  ensurePrivateDir(dirname(logFile));
  const log = openInstanceLog(logFile, { header: `--- ${new Date().toISOString()} supervisor: starting ${id} (${spec.entry})` });
  const child = spawnInstanceChild(options, id, log);
  const instance = new SupervisedInstance({ ...options, id, child, log });
  // The supervisor records the instance before anyone hears of it.
  options.register(instance);
  instance.announce();
  return instance;
}

/** Spawns the child with its `TOPOLAB_*` environment, closing the log when the spawn throws. */
function spawnInstanceChild(options: LaunchOptions, id: string, log: InstanceLog): ChildHandle {
  const { spec } = options;
  try {
    // Umask 077: whatever the instance creates (databases, logs, temp files) is the user's alone.
    return withPrivateUmask(() =>
      options.spawn({
        entry: spec.entry,
        env: { ...inheritedEnv(), ...options.env, [envNames.service]: spec.name, [envNames.instanceId]: id, [envNames.host]: options.host, [envNames.port]: String(options.port) },
      }),
    );
  } catch (error) {
    void log.close();
    throw error;
  }
}

import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import type { ChildMessage, InstanceAddress, ParentMessage, Span } from '@topolab/services/contract';
import { supervisedChildOptions, type ChildHandle, type SpawnChild } from './child-process.js';

/** How to run one real server (redis-server, nginx) as a supervised instance. */
export interface ProgramLaunch {
  /** Absolute path of the binary. */
  readonly binary: string;
  readonly args: readonly string[];
  /** Where it listens; reported with `ready`. */
  readonly address: InstanceAddress;
  /** True once it serves (PING answered, the health location answers); polled every 20 ms until then. */
  readonly probe: () => Promise<boolean>;
  /** Where its spans come from (nginx's access log, over syslog): subscribes, and returns the unsubscribe function. */
  readonly spans?: (deliver: (spans: readonly Span[]) => void) => () => void;
  /** @default the supervisor's directory */
  readonly cwd?: string;
  /**
   * Runs in a process group of its own, and every signal goes to the whole group: nginx's
   * worker outlives a SIGKILLed master, so a kill or a pause must reach both. @default false
   */
  readonly group?: boolean;
}

// Linux: the program dies with the supervisor, even a SIGKILLed one (a Node child notices its
// IPC channel closing; a program has none). setpriv execs it, so the pid stays the program's.
const setpriv = process.platform === 'linux' && existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined;

/**
 * A SpawnChild for a program without an IPC channel: it spawns the binary (through
 * `setpriv --pdeathsig KILL` where available), probes it until it serves and then emits the
 * `ready` message a Node instance would send; spans from its feed become `spans` messages; its
 * output is logged. Commands are refused (a program holds no lease to pause).
 */
export function createProgramSpawner(launch: ProgramLaunch): SpawnChild {
  return ({ env }) => {
    const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', launch.binary, ...launch.args]] : [launch.binary, [...launch.args]];
    const subprocess = execa(file, args, {
      ...supervisedChildOptions(env),
      detached: launch.group === true,
      ...(launch.cwd ? { cwd: launch.cwd } : {}),
    });
    void subprocess.then(() => undefined, () => undefined);
    return wrapProgram(subprocess as unknown as ProgramProcess, launch);
  };
}

/** The part of a spawned program the wrapper uses (an execa subprocess, or a fake in tests). */
export interface ProgramProcess {
  readonly pid?: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** Turns a spawned program into a ChildHandle (exported for tests). */
export function wrapProgram(program: ProgramProcess, launch: Pick<ProgramLaunch, 'binary' | 'address' | 'probe' | 'spans' | 'group'>): ChildHandle {
  const events = new EventEmitter();
  let gone = false;
  const message = (value: ChildMessage) => setImmediate(() => events.emit('message', value));
  const unsubscribe = launch.spans?.((spans) => message({ type: 'spans', spans })) ?? (() => undefined);

  program.on('exit', (code, signal) => {
    gone = true;
    unsubscribe();
    events.emit('exit', code, signal);
  });
  program.on('error', (error) => {
    gone = true;
    unsubscribe();
    events.emit('error', error);
  });

  void (async () => {
    while (!gone) {
      if (await launch.probe().catch(() => false)) {
        if (!gone) message({ type: 'ready', instanceId: '', address: launch.address, pid: program.pid ?? 0 });
        return;
      }
      await delay(20);
    }
  })();

  const handle: ChildHandle = {
    get pid() {
      return program.pid;
    },
    stdout: program.stdout as ChildHandle['stdout'],
    stderr: program.stderr as ChildHandle['stderr'],
    send(parentMessage: ParentMessage) {
      if (gone) return false;
      message({ type: 'reply', id: parentMessage.id, ok: false, error: `${basename(launch.binary)} takes no commands` });
      return true;
    },
    kill(signal) {
      if (!launch.group || program.pid === undefined) return program.kill(signal);
      try {
        process.kill(-program.pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    on(event: string, listener: (...args: never[]) => void) {
      events.on(event, listener as (...args: unknown[]) => void);
      return handle;
    },
  } as ChildHandle;
  return handle;
}

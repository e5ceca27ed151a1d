import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { execaNode } from 'execa';
import type { ParentMessage } from '@topolab/services/contract';
import { bundledEntry } from './bundled-entry.js';
import { runtimeError } from '../errors/error-codes.js';

/**
 * The part of a child process the supervisor uses. A node ChildProcess (and so an execa
 * subprocess) satisfies it; unit tests pass a fake built on an EventEmitter.
 */
export interface ChildHandle {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Sends a message over the IPC channel; false or a throw when the channel is closed. */
  send(message: ParentMessage): boolean;
  kill(signal: NodeJS.Signals): boolean;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** What a spawn function receives. */
export interface SpawnRequest {
  /** Absolute path of the compiled entry (`packages/services/dist/profile/main.js`). */
  readonly entry: string;
  /** The complete environment of the child (the parent's plus `TOPOLAB_*`). */
  readonly env: Readonly<Record<string, string>>;
}

/** Starts a child process with an IPC channel. Injected so tests can use a fake child. */
export type SpawnChild = (request: SpawnRequest) => ChildHandle;

/**
 * The execa options of every supervised child, a Node service or a program: exactly `env`, no
 * buffering, piped output, killed when the supervisor exits normally (`cleanup`), and no
 * execa escalation to SIGKILL (the supervisor does that, after its own grace period).
 */
export function supervisedChildOptions(env: Readonly<Record<string, string>>) {
  return {
    env: { ...env },
    extendEnv: false,
    buffer: false,
    reject: false,
    cleanup: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    forceKillAfterDelay: false,
  } as const;
}

/**
 * Runs `entry` with this Node binary through execa: IPC channel, piped output, no buffering,
 * and `cleanup` so the child is killed when the supervisor exits normally. A service's entry
 * runs as its one-file bundle when that is up to date (bundledEntry). `nodeOptions` are the
 * child's own Node flags (`--cpu-prof`); the supervisor's (a test runner's loaders, --inspect)
 * never reach it. Throws SUPERVISOR_ENTRY_MISSING when the entry is not built.
 */
export function nodeChildSpawner(nodeOptions: readonly string[] = []): SpawnChild {
  return ({ entry, env }) => {
    if (!existsSync(entry)) {
      throw runtimeError('SUPERVISOR_ENTRY_MISSING', { message: `The compiled entry ${entry} does not exist.`, details: { entry } });
    }
    const subprocess = execaNode(bundledEntry(entry), [], { ...supervisedChildOptions(env), nodeOptions: [...nodeOptions], ipc: true });
    // With reject: false the promise never rejects; exit is observed through the 'exit' event.
    void subprocess.then(() => undefined, () => undefined);
    return subprocess as unknown as ChildHandle;
  };
}

/** A Node service's child with no flags of its own. */
export const spawnNodeChild: SpawnChild = nodeChildSpawner();

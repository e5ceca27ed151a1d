import type { ChildHandle } from './child-process.js';

/** What terminateChild needs. */
export interface TerminateOptions {
  readonly child: Pick<ChildHandle, 'kill'>;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** The process is stopped (SIGSTOP): it acts on SIGTERM only once it runs again. */
  readonly paused?: boolean;
  /** Called just before the SIGKILL, for the log. */
  readonly onEscalate?: () => void;
}

/**
 * SIGTERM (then SIGCONT for a paused process), then SIGKILL if it has not exited after `graceMs`; resolves when the process is gone.
 */
export async function terminateChild(options: TerminateOptions): Promise<void> {
  const { child, exited, graceMs } = options;
  child.kill('SIGTERM');
  if (options.paused) child.kill('SIGCONT');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const timedOut = await Promise.race([exited.then(() => false), graceOver]);
  clearTimeout(timer);
  if (timedOut) {
    options.onEscalate?.();
    child.kill('SIGKILL');
  }
  await exited;
}

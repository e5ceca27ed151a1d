import { availableParallelism } from 'node:os';

/** Options of createBootGate. */
export interface BootGateOptions {
  /** Children that may boot at once. */
  readonly slots: number;
  /**
   * A slot is given back when its child is ready, or after this long, whichever comes first: a
   * child whose readiness waits on a sibling still queued (chat on the bus) cannot hold a slot
   * the sibling needs.
   */
  readonly holdMs: number;
}

/** Bounds how many children load their code at once (see createBootGate). */
export interface BootGate {
  /** A release function when a slot is free now (nobody queued), else undefined. */
  tryAcquire(): (() => void) | undefined;
  /** Resolves with a release function once a slot is free; calling it more than once is harmless. */
  acquire(): Promise<() => void>;
}

/**
 * Creates a gate for starting children. A Node service spends its first few hundred
 * milliseconds of CPU loading modules; started all at once on two cores (two matrix topologies:
 * some thirty processes), every one of them takes the time of all of them, and a start timeout
 * measured from each spawn fires. Queued behind the gate, a child is spawned only when a slot is
 * free, so its start timeout measures its own start, and the whole start is no slower: the CPU
 * work is the same, with less switching between processes.
 */
export function createBootGate(options: BootGateOptions): BootGate {
  let free = options.slots;
  const waiting: (() => void)[] = [];
  const grant = (): (() => void) => {
    free--;
    let released = false;
    const timer = setTimeout(release, options.holdMs);
    timer.unref();
    function release(): void {
      if (released) return;
      released = true;
      clearTimeout(timer);
      free++;
      waiting.shift()?.();
    }
    return release;
  };
  return {
    tryAcquire: () => (free > 0 && waiting.length === 0 ? grant() : undefined),
    acquire() {
      if (free > 0 && waiting.length === 0) return Promise.resolve(grant());
      return new Promise((resolve) => waiting.push(() => resolve(grant())));
    },
  };
}

/** The gate every supervisor of this process shares (the matrix runs several topologies in one process): two boots per core, each holding its slot for at most 1 s. */
export const sharedBootGate: BootGate = createBootGate({ slots: Math.max(2, availableParallelism() * 2), holdMs: 1000 });

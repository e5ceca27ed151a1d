/** Runs one socket's frames one at a time, in arrival order. */
export interface FrameQueue {
  /** Queues `task`; false (and not queued) when `limit` tasks wait already. */
  push(task: () => void | Promise<void>): boolean;
  /** Runs `task` after every task queued so far (past the bound), and refuses every later push. */
  end(task: () => void): void;
  /** Whether `end` was called. */
  readonly ended: boolean;
  /** Drops the tasks not started yet (the socket closed: nobody is told about them). */
  clear(): void;
  /** Tasks waiting or running. */
  readonly size: number;
}

/**
 * A bounded FIFO of one socket's frames. A `send` waits for the bus before it is stored and
 * acknowledged, and frames after it wait for it, so one sender's messages keep their order on
 * every instance and a `join` sent after a `send` is answered after it. A task that throws
 * does not stop the ones after it (the handler answers its own errors).
 */
export function createFrameQueue(limit: number): FrameQueue {
  const tasks: (() => void | Promise<void>)[] = [];
  let running = false;
  let ended = false;

  async function drain(): Promise<void> {
    running = true;
    while (tasks.length > 0) {
      const task = tasks[0]!;
      try {
        // A sync task (join, leave) leaves the queue in the same tick.
        const done = task();
        if (done instanceof Promise) await done;
      } catch {
        // The task answered its own failure.
      }
      tasks.shift();
    }
    running = false;
  }

  return {
    push(task) {
      if (ended || tasks.length >= limit) return false;
      tasks.push(task);
      if (!running) void drain();
      return true;
    },
    end(task) {
      if (ended) return;
      ended = true;
      tasks.push(task);
      if (!running) void drain();
    },
    get ended() {
      return ended;
    },
    clear() {
      tasks.splice(running ? 1 : 0);
    },
    get size() {
      return tasks.length;
    },
  };
}

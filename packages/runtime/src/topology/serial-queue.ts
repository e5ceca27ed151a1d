/** Runs tasks one after another, in call order; a failed task does not stop the next. */
export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Creates a queue for the actions that change which instances run or how (restart, scale,
 * mode switch), so two of them never interleave: a gateway started by a scale is ready
 * before a mode switch reaches every gateway.
 */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

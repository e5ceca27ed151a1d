/** A promise that resolves on SIGINT, SIGTERM or `trigger()`, whichever comes first. */
export interface StopSignal {
  readonly promise: Promise<string>;
  trigger(): void;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Replaces the default Ctrl-C behaviour (exit at once) with a clean stop. Installed before the
 * topology starts, so a Ctrl-C during start-up still stops whatever was started.
 */
export function waitForStopSignal(): StopSignal {
  let resolve!: (reason: string) => void;
  const promise = new Promise<string>((done) => (resolve = done));
  const onInt = () => resolve('SIGINT');
  const onTerm = () => resolve('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    promise,
    trigger: () => resolve('quit'),
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

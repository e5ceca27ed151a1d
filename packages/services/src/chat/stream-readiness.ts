import type { BusSubscriptionStatus } from '../kit/clients/bus-client.js';

/** Whether a bus subscription streams now, and a wait for it. */
export interface StreamReadiness {
  readonly connected: boolean;
  /** Feed it every status of the subscription. */
  update(status: BusSubscriptionStatus): void;
  /** Resolves true once the subscription streams, false after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<boolean>;
}

/** Creates the readiness of one subscription (not connected until its first `connected`). */
export function createStreamReadiness(): StreamReadiness {
  let connected = false;
  const waiters = new Set<() => void>();
  return {
    get connected() {
      return connected;
    },
    update(status) {
      connected = status.state === 'connected';
      if (connected) for (const wake of waiters) wake();
    },
    whenConnected(timeoutMs) {
      if (connected) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(value);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(wake);
      });
    },
  };
}

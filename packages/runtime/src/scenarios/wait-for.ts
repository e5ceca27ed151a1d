import { setTimeout as delay } from 'node:timers/promises';
import { runtimeError } from '../errors/error-codes.js';
import type { WaitForOptions } from './dsl.js';

/** Sleeps `ms`; rejects with SCENARIO_STOPPED when `signal` aborts first (the scenario timed out). */
export async function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`Expected sleep to get a non-negative number of ms, got ${String(ms)}`);
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw runtimeError('SCENARIO_STOPPED', { message: 'The scenario was stopped during a sleep.' });
    throw error;
  }
}

/**
 * Checks `condition` every `interval` ms until it returns a truthy value, and resolves with
 * it. A check that throws counts as not yet; after `timeout` ms SCENARIO_WAIT_TIMEOUT names
 * `message` and the last error seen.
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, options: WaitForOptions & { readonly signal?: AbortSignal } = {}): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 5000;
  const interval = options.interval ?? 20;
  const what = options.message ?? 'the condition';
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last check threw: ${lastError.message})` : '';
      throw runtimeError('SCENARIO_WAIT_TIMEOUT', {
        message: `Timed out after ${timeout} ms waiting for ${what}${last}.`,
        cause: lastError,
        details: { timeoutMs: timeout, message: what },
      });
    }
    await sleepFor(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
  }
}

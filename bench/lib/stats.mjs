// Percentile and median are the runtime's (the same figures as `topolab bench`).
export { median, percentile } from '../../packages/runtime/dist/bench/index.js';

/** `12.3` with one decimal, or `—`. */
export function fmt(value) {
  return Number.isFinite(value) ? value.toFixed(1) : '—';
}

/** Waits `ms`. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `stepMs` until it holds; resolves with the elapsed ms; rejects after `timeoutMs`. */
export async function waitUntil(check, timeoutMs, stepMs = 5) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await sleep(stepMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Percentile (nearest rank) of numbers; NaN for none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Median of numbers. */
export function median(values) {
  return percentile(values, 50);
}

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

/** Text for times, durations and sizes, as the dashboard shows them. Pure: no DOM. */

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `14:03:07.042`: the local wall-clock time of `epochMs`, to the millisecond. */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `0.42 ms`, `5.3 ms`, `120 ms`, `1250 ms`: a span or request duration, always in ms. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** `1.2 s`: a span of time in seconds, one decimal. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** `heartbeat 1.2 s ago`, or `no heartbeat` when the registry took none. */
export function formatHeartbeatAge(lastHeartbeat: number | undefined, serverNow: number): string {
  if (lastHeartbeat === undefined) return 'no heartbeat';
  return `heartbeat ${formatSeconds(serverNow - lastHeartbeat)} ago`;
}

/**
 * `lease 4.1 s` counting down; then `lease due` while the catalog still holds it (the page sees
 * heartbeats a poll late: the renewal has most likely happened), `lease expired` once the
 * registry dropped it; `no lease` when there is none.
 */
export function formatLease(leaseExpiresAt: number | undefined, serverNow: number, registered?: boolean): string {
  if (leaseExpiresAt === undefined) return 'no lease';
  const left = leaseExpiresAt - serverNow;
  if (left > 0) return `lease ${formatSeconds(left)}`;
  return registered === false ? 'lease expired' : 'lease due';
}

/** `62 MB`, or `—` while the instance has no process. */
export function formatRss(rssMb: number | undefined): string {
  return rssMb === undefined || !Number.isFinite(rssMb) ? '—' : `${Math.round(rssMb)} MB`;
}

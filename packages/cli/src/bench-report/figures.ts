import type { TargetStatus } from '@topolab/runtime/bench';

/** `4120` req/s, or `—`. */
export function formatRps(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : String(Math.round(value));
}

/** `0.42` and `12.3` ms (one decimal up to 100, whole above), or `—`. */
export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value >= 100 ? String(Math.round(value)) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
}

/** `0.72×`, or `—`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
}

/** `152` µs (whole from 10 up), `4.5` below, or `—`. */
export function formatUs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}

/** `10 s`, `500 ms`, `1.5 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** `66.4 MB`, or `—`. */
export function formatMb(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} MB`;
}

/** ✓ met, ✗ missed, – not measured. */
export function targetMark(status: TargetStatus): string {
  return status === 'pass' ? '✓' : status === 'fail' ? '✗' : '–';
}

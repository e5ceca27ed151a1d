import type { BenchSettings } from './bench-settings.js';
import type { ThroughputRow } from './bench-types.js';

/**
 * The rows of the throughput table, in display order: `direct` (the ceiling), `nginx` (one
 * production proxy hop; listed as missing where nginx is not installed), then one row per
 * discovery × auth combination (`client/local`).
 */
export function planThroughputRows(settings: Pick<BenchSettings, 'discovery' | 'auth'>): ThroughputRow[] {
  const rows: ThroughputRow[] = [
    { id: 'direct', kind: 'direct' },
    { id: 'nginx', kind: 'nginx' },
  ];
  for (const discovery of settings.discovery) {
    for (const auth of settings.auth) rows.push({ id: `${discovery}/${auth}`, kind: 'gateway', modes: { discovery, auth } });
  }
  return rows;
}

/**
 * The order rows run in: every row once per round, rounds one after the other (interleaved,
 * so a slow drift of the machine spreads over every row instead of favouring the first
 * ones). Each round starts one row later than the previous, so no row always runs first.
 */
export function planRounds(rowIds: readonly string[], rounds: number): string[][] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`Expected rounds to be a positive integer, got ${String(rounds)}`);
  const count = rowIds.length;
  return Array.from({ length: rounds }, (_, round) => Array.from({ length: count }, (_, i) => rowIds[(i + round) % count]!));
}

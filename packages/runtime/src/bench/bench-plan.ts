import type { BenchSettings } from './bench-settings.js';
import type { BenchBackend, ThroughputRow } from './bench-types.js';

/**
 * The real backends a gateway row in these modes exercises on every request: Redis in `global`
 * auth (one cache read each), nginx in `server` discovery (the lb hop).
 */
export function backendsExercised(modes: NonNullable<ThroughputRow['modes']>, backends: readonly BenchBackend[]): BenchBackend[] {
  return backends.filter((backend) => (backend === 'redis' ? modes.auth === 'global' : modes.discovery === 'server'));
}

/**
 * The rows of the throughput table, in display order: `direct` (the ceiling), `nginx` (one
 * production proxy hop; listed as missing where nginx is not installed), `bare-node` (a bare
 * Node proxy: the Node ceiling of a proxy hop), one row per
 * discovery × auth combination (`client/local`), then the same combinations on the real
 * backends where they exercise one (`client/global+redis`, `server/local+nginx`).
 */
export function planThroughputRows(settings: Pick<BenchSettings, 'discovery' | 'auth' | 'backends'>): ThroughputRow[] {
  const rows: ThroughputRow[] = [
    { id: 'direct', kind: 'direct' },
    { id: 'nginx', kind: 'nginx' },
    { id: 'bare-node', kind: 'bare-node' },
  ];
  const gateways = settings.discovery.flatMap((discovery) => settings.auth.map((auth) => ({ discovery, auth })));
  for (const modes of gateways) rows.push({ id: `${modes.discovery}/${modes.auth}`, kind: 'gateway', modes });
  for (const modes of gateways) {
    const backends = backendsExercised(modes, settings.backends);
    if (backends.length > 0) rows.push({ id: `${modes.discovery}/${modes.auth}+${backends.join('+')}`, kind: 'gateway', modes, backends });
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

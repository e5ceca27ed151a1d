import { setTimeout as delay } from 'node:timers/promises';
import { median } from './bench-stats.js';
import { withBenchTopology, type BenchTopologyOptions } from './bench-topology.js';
import type { ColdStartResult } from './bench-types.js';
import { readProcessRssMb } from './process-rss.js';

/** What measureColdStart needs. */
export interface ColdStartOptions {
  /** Topologies started one after the other. @default 3 */
  readonly runs?: number;
  /** Idle time after the first start before memory is read. @default 1000 */
  readonly settleMs?: number;
  /** Called after each start with its 1-based run and the time to all ready. */
  readonly onRun?: (run: number, readyMs: number) => void;
  /** More options of the topology (a manifest, `env`). */
  readonly topology?: BenchTopologyOptions;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Starts the default topology `runs` times in fresh data dirs and times startTopology until
 * every instance reported ready; after the first start (and `settleMs` idle) reads every
 * instance's resident memory and sums it per service.
 */
export async function measureColdStart(options: ColdStartOptions = {}): Promise<ColdStartResult> {
  const runs: number[] = [];
  let rssMb: Record<string, number> = {};
  let instances = 0;
  for (let run = 1; run <= (options.runs ?? 3); run++) {
    await withBenchTopology({}, async (topology) => {
      runs.push(topology.readyMs);
      options.onRun?.(run, topology.readyMs);
      if (run > 1) return;
      await delay(options.settleMs ?? 1000);
      const live = topology.instances().filter((instance) => instance.state === 'ready');
      instances = live.length;
      rssMb = Object.fromEntries(live.map((instance) => [instance.id, round1(readProcessRssMb(instance.pid))]));
    }, options.topology);
  }
  const perService: Record<string, { instances: number; meanMb: number; totalMb: number }> = {};
  for (const [id, mb] of Object.entries(rssMb)) {
    const service = id.split('#')[0]!;
    const entry = (perService[service] ??= { instances: 0, meanMb: 0, totalMb: 0 });
    entry.instances += 1;
    entry.totalMb = round1(entry.totalMb + mb);
    entry.meanMb = round1(entry.totalMb / entry.instances);
  }
  return { runs, medianReadyMs: median(runs), instances, rssMb, perService };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topology } from '../topology/topology.js';
import type { TopologyOptions } from '../topology/topology-options.js';

/** A topology lent to one scenario run. */
export interface LentTopology {
  readonly topology: Topology;
  readonly dataDir: string;
  /** An earlier run of the same shape and modes ran on it. */
  readonly reused: boolean;
}

/** Options of createTopologyPool. */
export interface TopologyPoolOptions {
  readonly startTopology: (options: TopologyOptions) => Promise<Topology>;
  /** Where data dirs are made. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Topologies kept running between runs, waiting for a run of their shape. 0 stops each after its run. */
  readonly maxIdle: number;
}

/**
 * Topologies shared by the runs of one `runScenarios`. A run asks for a topology of a shape
 * (modes, replicas, limits, backends…: `key`); it gets an idle one of that shape when there is
 * one, else a fresh one in a fresh data dir (every idle one of another shape is stopped first:
 * runs are planned shape by shape). Handed back, a topology is kept for the next run
 * only when the caller says it may be (the scenario passed and allows it) and it is as it was
 * lent: the same instances, with the same pids, all ready, in the same modes (a scenario that
 * killed, restarted, scaled or switched modes leaves it changed, and it is stopped).
 */
export interface TopologyPool {
  /** A topology of shape `key`: an idle one unless `fresh`, else one started with `start(dataDir)` in a new data dir named after `namePrefix`. */
  acquire(key: string, start: (dataDir: string) => TopologyOptions, namePrefix: string, fresh?: boolean): Promise<LentTopology>;
  /** Hands a lent topology back: kept idle when `reusable` and unchanged, else stopped and its data dir removed unless `keepData`. */
  release(lent: LentTopology, reusable: boolean, keepData: boolean): Promise<void>;
  /** Stops every idle topology and removes their data dirs. */
  close(): Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly topology: Topology;
  readonly dataDir: string;
  readonly fingerprint: string;
}

/** What must be unchanged for a topology to be lent again. */
export function topologyFingerprint(topology: Pick<Topology, 'instances' | 'modes'>): string {
  const instances = topology
    .instances()
    .map((instance) => `${instance.id}:${instance.pid ?? '-'}:${instance.state}`)
    .sort();
  return JSON.stringify({ modes: topology.modes(), instances });
}

const allReady = (topology: Pick<Topology, 'instances'>) => topology.instances().every((instance) => instance.state === 'ready');

/** Creates the pool of one run. */
export function createTopologyPool(options: TopologyPoolOptions): TopologyPool {
  const idle: Entry[] = [];
  const lent = new Map<Topology, Entry>();

  const stop = async (entry: Pick<Entry, 'topology' | 'dataDir'>, keepData: boolean) => {
    try {
      await entry.topology.stop();
    } finally {
      if (!keepData) rmSync(entry.dataDir, { recursive: true, force: true });
    }
  };

  return {
    async acquire(key, start, namePrefix, fresh = false) {
      const index = fresh ? -1 : idle.findIndex((entry) => entry.key === key);
      if (index !== -1) {
        const [entry] = idle.splice(index, 1);
        lent.set(entry!.topology, entry!);
        return { topology: entry!.topology, dataDir: entry!.dataDir, reused: true };
      }
      // Runs come shape by shape: an idle topology of another shape will not be asked for again,
      // and idle topologies still heartbeat and poll, taking CPU from the runs (timing-sensitive
      // steps failed with four of them alive on 2 cores). They go before a new one starts.
      const others = idle.filter((entry) => entry.key !== key);
      idle.splice(0, idle.length, ...idle.filter((entry) => entry.key === key));
      await Promise.allSettled(others.map((entry) => stop(entry, false)));
      const dataDir = mkdtempSync(join(options.tmpDir ?? tmpdir(), `topolab-${namePrefix}-`));
      let topology: Topology;
      try {
        topology = await options.startTopology(start(dataDir));
      } catch (error) {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
      lent.set(topology, { key, topology, dataDir, fingerprint: topologyFingerprint(topology) });
      return { topology, dataDir, reused: false };
    },

    async release(handed, reusable, keepData) {
      const entry = lent.get(handed.topology);
      lent.delete(handed.topology);
      if (!entry) return;
      const keep = reusable && !keepData && options.maxIdle > 0 && allReady(entry.topology) && topologyFingerprint(entry.topology) === entry.fingerprint;
      if (!keep) return stop(entry, keepData);
      idle.push(entry);
      // The oldest idle shape goes first: runs are planned shape by shape.
      while (idle.length > options.maxIdle) await stop(idle.shift()!, false);
    },

    async close() {
      const left = idle.splice(0);
      const results = await Promise.allSettled(left.map((entry) => stop(entry, false)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { envNames } from '@topolab/services/contract';
import { sendHttpRequest } from '../client/http-request.js';
import { startTopology, type Topology } from '../topology/start-topology.js';
import type { TopologyOptions } from '../topology/topology-options.js';

/** The bench sends far faster than a person from one address: the limiter and blacklist are off. */
export const unlimitedLimits = Object.freeze({ rateLimitRps: 0, blacklistThreshold: 0 });

/** Options of a bench topology: startTopology's, without the data dir (a fresh temp dir). */
export type BenchTopologyOptions = Omit<TopologyOptions, 'dataDir'>;

/** The topology `env` that lets its gateways run the bench-only auth mode `none` (no token check). */
export const benchNoAuthEnv: Readonly<Record<string, string>> = Object.freeze({ [envNames.benchNoAuth]: '1' });

/**
 * Starts a topology in a fresh temp dir (gateway port 0, limits off unless given), runs `run`
 * with it, then stops it and removes the dir, whatever `run` did. `extra` comes from the
 * caller of the bench (a manifest, `env`); `options` from the measurement (modes, replicas) win,
 * except that the two `env`s are merged.
 */
export async function withBenchTopology<T>(options: BenchTopologyOptions, run: (topology: Topology) => Promise<T>, extra: BenchTopologyOptions = {}): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-bench-'));
  try {
    const limits = { ...unlimitedLimits, ...extra.limits, ...options.limits };
    const env = { ...extra.env, ...options.env };
    const cpuProfile = profileDirOf(extra, options);
    const topology = await startTopology({ gatewayPort: 0, fresh: true, ...extra, ...options, limits, env, dataDir, ...(cpuProfile ? { cpuProfile } : {}) });
    try {
      return await run(topology);
    } finally {
      await topology.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each topology of a profiled bench writes its profiles into a folder of its own (both run `gateway-1`). */
function profileDirOf(extra: BenchTopologyOptions, options: BenchTopologyOptions): BenchTopologyOptions['cpuProfile'] {
  if (!extra.cpuProfile) return undefined;
  const label = options.backends && Object.keys(options.backends).length > 0 ? 'real-backends' : 'embedded';
  return { ...extra.cpuProfile, dir: mkdtempSync(join(extra.cpuProfile.dir, `${label}-`)) };
}

/** Checks `condition` every `stepMs` until it holds; resolves with the ms elapsed, or undefined after `timeoutMs`. */
export async function measureUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 5): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      if (await condition()) return performance.now() - started;
    } catch {
      // not yet (the instance asked may be restarting)
    }
    await delay(stepMs);
  }
  return undefined;
}

/** Whether the registry at `registryUrl` lists `instanceId` under `service`. */
export async function isListed(registryUrl: string, service: string, instanceId: string): Promise<boolean> {
  const response = await sendHttpRequest({ url: `${registryUrl}/v1/catalog`, timeoutMs: 1000 });
  const catalog = response.body as { services?: Record<string, { instanceId: string }[]> };
  return (catalog.services?.[service] ?? []).some((record) => record.instanceId === instanceId);
}

import type { AuthModeName, DiscoveryModeName } from '@topolab/services/contract';
import { createGatewayClient } from '../client/gateway-client.js';
import { isListed, measureUntil, withBenchTopology, type BenchTopologyOptions } from './bench-topology.js';
import type { FailoverResult } from './bench-types.js';
import { signUpWithProfile } from './bench-users.js';
import type { TopologyEvent } from '../topology/topology-events.js';
import { runOpenLoop } from './open-loop.js';

/** What measureFailover needs. */
export interface FailoverOptions {
  readonly discovery: DiscoveryModeName;
  /** @default 'remote' */
  readonly auth?: AuthModeName;
  /** Requests per second of the open-loop load. @default 100 */
  readonly rate?: number;
  /** Length of the load. @default 4000 */
  readonly durationMs?: number;
  /** When the victim is killed, after the load started. @default 1000 */
  readonly killAtMs?: number;
  /** `nginx`: server-side discovery through a real nginx (use with discovery `server`). @default 'embedded' */
  readonly backend?: 'embedded' | 'nginx';
  /** More options of the topology (a manifest, `env`). */
  readonly topology?: BenchTopologyOptions;
}

/**
 * SIGKILLs profile#2 of 3 at a known time under an open-loop `GET /profile/me` load through
 * the gateway, and reports how long the registry took to evict it (detection), which requests
 * failed or timed out, with their window relative to the kill, and with nginx how long nginx
 * took from the eviction to routing by its new config.
 */
export async function measureFailover(options: FailoverOptions): Promise<FailoverResult> {
  const rate = options.rate ?? 100;
  const killAtMs = options.killAtMs ?? 1000;
  const auth = options.auth ?? 'remote';
  const victim = 'profile#2';
  const backend = options.backend ?? 'embedded';
  let reloadLagMs: number | undefined;
  const onEvent = (event: TopologyEvent) => {
    if (event.type === 'event' && event.name === 'nginx.reloaded' && event.data.change === `evicted ${victim}` && typeof event.data.lagMs === 'number') reloadLagMs = event.data.lagMs;
  };
  const backends = backend === 'nginx' ? { backends: { lb: 'nginx' as const }, onEvent } : {};
  return withBenchTopology({ modes: { discovery: options.discovery, auth }, replicas: { profile: 3 }, ...backends }, async (topology) => {
    const gateway = createGatewayClient(topology.gatewayUrl);
    let session;
    try {
      session = await signUpWithProfile({ gateway, phone: topology });
    } finally {
      gateway.close();
    }
    let killedAt: number | undefined;
    let detection: Promise<number | undefined> | undefined;
    const records = await runOpenLoop({
      url: `${topology.gatewayUrl}/profile/me`,
      rate,
      durationMs: options.durationMs ?? 4000,
      headers: { authorization: `Bearer ${session.accessToken}` },
      onTick: (elapsed) => {
        if (killedAt !== undefined || elapsed < killAtMs) return;
        killedAt = elapsed;
        topology.supervisor.signalInstance(victim, 'SIGKILL');
        detection = measureUntil(async () => !(await isListed(topology.registryUrl, 'profile', victim)), 5000);
      },
    });
    const detectionMs = await detection;
    // The eviction's reload follows within milliseconds; wait a little for its event.
    if (backend === 'nginx') await measureUntil(() => reloadLagMs !== undefined, 2000);
    const failed = records.filter((record) => record.status !== 200);
    const at = killedAt ?? 0;
    return {
      discovery: options.discovery,
      backend,
      ...(reloadLagMs === undefined ? {} : { reloadLagMs }),
      auth,
      rate,
      victim,
      requests: records.length,
      failed: failed.length,
      timedOut: failed.filter((record) => record.error === 'timeout').length,
      detectionMs,
      failureWindowMs: failed.length > 0 ? [Math.min(...failed.map((r) => r.sentAt)) - at, Math.max(...failed.map((r) => r.sentAt)) - at] : undefined,
    };
  }, options.topology);
}

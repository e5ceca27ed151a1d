import { assertRedisReachable } from '../backends/redis-check.js';
import { assertDataDirUsable } from './data-dir.js';
import type { EdgePlan } from './edge-plan.js';
import { assertPortsFree } from './port-check.js';
import { topologyPortClaims } from './port-claims.js';
import type { NormalizedTopologyOptions } from './topology-options.js';

/**
 * What must hold before a topology writes or starts anything, checked in this order: the data
 * dir is private and not in use (TOPOLOGY_DATA_DIR_INSECURE, TOPOLOGY_DATA_DIR_BUSY), every port
 * a flag pinned is free (TOPOLOGY_PORT_IN_USE, naming the flag), and an external Redis answers
 * (TOPOLOGY_BACKEND_UNREACHABLE). A failure leaves no child and no file behind.
 */
export async function preflightTopology(options: NormalizedTopologyOptions, edge: EdgePlan): Promise<void> {
  assertDataDirUsable(options.dataDir);
  await assertPortsFree(await topologyPortClaims(options, edge));
  const { redisUrl, cache, bus } = options.backends;
  if (redisUrl !== undefined && (cache === 'redis' || bus === 'redis')) await assertRedisReachable(redisUrl);
}

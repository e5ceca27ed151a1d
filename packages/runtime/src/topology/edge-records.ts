import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createEdgeResolver } from '../client/edge-resolver.js';
import { runtimeError } from '../errors/error-codes.js';
import type { TopologyEdge } from './topology.js';

/**
 * Waits until dns#1 answers the edge's name with every gateway, as the runtime waits for
 * registrations: dns#1 learns of a gateway from the registry's push, which can come a moment
 * after the gateway reported ready, and a first request by name must not miss it. Part of
 * "ready": past `timeoutMs` it throws SUPERVISOR_START_TIMEOUT naming dns#1, never a silent "all ready".
 */
export async function waitForEdgeRecords(edge: TopologyEdge, gateways: readonly InstanceInfo[], timeoutMs: number): Promise<void> {
  if (!edge.dns || gateways.length === 0 || edge.url === edge.gatewayUrl) return;
  const expected = [...new Set(gateways.map((info) => info.host))].sort();
  const deadline = Date.now() + timeoutMs;
  let found: string[] = [];
  while (Date.now() < deadline) {
    // A fresh resolver each time: nothing cached between attempts.
    const resolver = createEdgeResolver({ host: edge.dns.host, port: edge.dns.port, zone: edge.dns.zone, timeoutMs: Math.min(200, Math.max(1, deadline - Date.now())) });
    found = await resolver.lookup(edge.dns.name).then((answer) => [...answer.addresses].sort(), () => []);
    if (found.length === expected.length && found.every((address, i) => address === expected[i])) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw runtimeError('SUPERVISOR_START_TIMEOUT', {
    message: `dns#1 did not answer ${edge.dns.name} with every gateway (${expected.join(', ')}) within ${timeoutMs} ms; it answered ${found.length === 0 ? 'nothing' : found.join(', ')}.`,
    details: { instanceId: 'dns#1', timeoutMs, expected, found },
  });
}

import type { TopologyEdge } from '../topology/topology.js';
import { createEdgeResolver } from './edge-resolver.js';
import { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './gateway-client.js';

/**
 * A gateway client for a topology's edge, as a user of it would be set up: the URL by name
 * (`https://www.topolab.test:PORT`) resolved through dns#1, trusting the topology's CA.
 * Without DNS or TLS, the gateway's address over plain HTTP.
 */
export function createEdgeClient(edge: TopologyEdge, options: Omit<GatewayClientOptions, 'ca' | 'resolver'> = {}): GatewayClient {
  return createGatewayClient(edge.url, {
    ...options,
    ...(edge.tls ? { ca: edge.tls.ca } : {}),
    ...(edge.dns ? { resolver: createEdgeResolver({ host: edge.dns.host, port: edge.dns.port, zone: edge.dns.zone }) } : {}),
  });
}

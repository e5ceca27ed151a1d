import { edgeNames } from '@topolab/services/contract';
import { isLiveState } from '../supervisor/instance-state.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import type { EdgePlan } from './edge-plan.js';
import type { TopologyEdge } from './topology.js';

/** What users and clients need to reach the gateways: the URL by name, the CA to trust, the DNS server that resolves the name. */
export function describeEdge(edge: EdgePlan, gatewayUrl: string, dns: InstanceInfo | undefined): TopologyEdge {
  const dnsEndpoint = dns && isLiveState(dns.state) ? dns.endpoints.dns : undefined;
  const scheme = edge.tls ? 'https' : 'http';
  const port = edge.port();
  const redirectPort = edge.redirectPort();
  const gateway = gatewayUrl ? new URL(gatewayUrl) : undefined;
  return {
    url: dnsEndpoint && edge.sharesPorts && port !== undefined ? `${scheme}://${edgeNames.www}:${port}` : gatewayUrl,
    gatewayUrl,
    ...(edge.tls && gateway && redirectPort !== undefined ? { redirectUrl: `http://${gateway.hostname}:${redirectPort}` } : {}),
    ...(edge.tls ? { tls: { caFile: edge.tls.caFile, ca: edge.tls.ca, certFile: edge.tls.certFile, notAfter: edge.tls.notAfter.toISOString(), caFingerprint: edge.tls.caFingerprint, reused: edge.tls.reused } } : {}),
    ...(dnsEndpoint ? { dns: { host: dnsEndpoint.host, port: dnsEndpoint.port, zone: edgeNames.zone, name: edgeNames.www } } : {}),
  };
}

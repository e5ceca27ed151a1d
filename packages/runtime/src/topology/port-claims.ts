import { planAddress } from './addresses.js';
import type { EdgePlan, GatewayListen } from './edge-plan.js';
import type { PortClaim } from './port-check.js';
import type { NormalizedTopologyOptions } from './topology-options.js';

/** The pinned ports of gateway #index at `listen`: its main listener (HTTPS with TLS) and the redirect (plain HTTP). */
export function gatewayPortClaims(listen: GatewayListen, index: number, tls: boolean): PortClaim[] {
  const main: PortClaim = { host: listen.host, port: listen.port, protocol: 'tcp', listener: `gateway#${index} (${tls ? 'HTTPS' : 'HTTP'})`, option: tls ? 'httpsPort' : 'gatewayPort' };
  const redirect: PortClaim[] = listen.redirectPort === undefined ? [] : [{ host: listen.host, port: listen.redirectPort, protocol: 'tcp', listener: `gateway#${index} (HTTP redirect)`, option: 'gatewayPort' }];
  return [main, ...redirect].filter((claim) => claim.port !== 0);
}

/** dns#index's pinned port: UDP and TCP, the same number (as port 53 is). */
export function dnsPortClaims(host: string, port: number, index: number): PortClaim[] {
  if (port === 0) return [];
  return (['udp', 'tcp'] as const).map((protocol) => ({ host, port, protocol, listener: `dns#${index}`, option: 'dnsPort' }));
}

/**
 * Every port the topology's instances bind at a fixed number (`--port`, `--https-port`,
 * `--dns-port`): each `edge` listener's (the gateways') and each `dns` listener's. Everything else (the control API,
 * redis-server, nginx, every other service) binds port 0 or a port the OS just handed out.
 */
export async function topologyPortClaims(options: NormalizedTopologyOptions, edge: EdgePlan): Promise<PortClaim[]> {
  const claims: PortClaim[] = [];
  for (const spec of options.manifest) {
    const replicas = options.replicas[spec.name] ?? 1;
    for (let index = 1; index <= replicas; index += 1) {
      if (spec.listener === 'dns') claims.push(...dnsPortClaims(planAddress({ spec, index }).host, options.dnsPort, index));
      if (spec.listener !== 'edge') continue;
      // Shared ports the first gateway gets from the OS are known only once it runs.
      if (edge.sharesPorts && index > 1 && (edge.port() === undefined || (options.tls && edge.redirectPort() === undefined))) break;
      claims.push(...gatewayPortClaims(await edge.listenOf(index), index, options.tls));
    }
  }
  return claims;
}

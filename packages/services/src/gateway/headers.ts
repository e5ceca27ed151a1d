import type { IncomingHttpHeaders } from 'node:http';
import { identityAssertionHeader, legacyIdentityHeaders } from '../contract/identity.js';

export { readBearerToken } from '../kit/http/identity.js';
import { connectionTokens, isHopByHop, type HeaderMap } from '../kit/proxy/hop-by-hop.js';

export { clientWantsClose, stripHopByHop as stripResponseHeaders, type HeaderMap } from '../kit/proxy/hop-by-hop.js';

// Identity and forwarding facts come only from the gateway; `expect` was already answered by Node.
const gatewayOwned = new Set([identityAssertionHeader, ...legacyIdentityHeaders, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-request-id', 'traceparent', 'expect']);

/** What the gateway itself asserts to the upstream. */
export interface ForwardFacts {
  /** The client's socket address (never a client-sent header). */
  readonly clientAddress: string;
  readonly proto: 'http' | 'https';
  readonly requestId: string;
  /** The identity assertion for the route's service (contract/identity.ts); absent on public routes. */
  readonly identity: string | undefined;
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop headers (and every header the
 * client's `Connection` names) and minus anything the gateway asserts itself (a client's own
 * `x-jwt-assertion` or `x-user-id` among them), plus the gateway's `X-Forwarded-*`,
 * `X-Request-Id` and, on a protected route, its signed `x-jwt-assertion`.
 */
export function buildUpstreamHeaders(incoming: IncomingHttpHeaders, facts: ForwardFacts): HeaderMap {
  const named = connectionTokens(incoming.connection);
  const out: HeaderMap = {};
  for (const name in incoming) {
    if (isHopByHop(name) || named?.has(name) || isGatewayOwned(name)) continue;
    out[name] = incoming[name];
  }
  out['x-forwarded-for'] = facts.clientAddress;
  out['x-forwarded-proto'] = facts.proto;
  if (incoming.host !== undefined) out['x-forwarded-host'] = incoming.host;
  out['x-request-id'] = facts.requestId;
  if (facts.identity !== undefined) out[identityAssertionHeader] = facts.identity;
  return out;
}

// Some servers read `x_user_id` as `x-user-id` (nginx, CGI), so underscores are no disguise.
function isGatewayOwned(name: string): boolean {
  return gatewayOwned.has(name.includes('_') ? name.replaceAll('_', '-') : name);
}

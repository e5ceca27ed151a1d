import type { IncomingHttpHeaders } from 'node:http';
import { identityHeaders } from '../kit/http/identity.js';

export { readBearerToken } from '../kit/http/identity.js';
import { connectionTokens, isHopByHop, type HeaderMap } from '../kit/proxy/hop-by-hop.js';

export { clientWantsClose, stripHopByHop as stripResponseHeaders, type HeaderMap } from '../kit/proxy/hop-by-hop.js';

// Identity and forwarding facts come only from the gateway; `expect` was already answered by Node.
const gatewayOwned = new Set([identityHeaders.userId, identityHeaders.tokenId, identityHeaders.tokenExpires, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-request-id', 'traceparent', 'expect']);

/** What the gateway itself asserts to the upstream. */
export interface ForwardFacts {
  /** The client's socket address (never a client-sent header). */
  readonly clientAddress: string;
  readonly proto: 'http' | 'https';
  readonly requestId: string;
  /** The authenticated user; absent on public routes. */
  readonly userId: string | undefined;
  /** The access token a WebSocket handshake carried (its jti and exp in epoch seconds, never the token), so the service can end the socket with it. */
  readonly token?: { readonly jti: string; readonly exp: number };
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop headers (and every header the
 * client's `Connection` names) and minus anything the gateway asserts itself, plus the
 * gateway's `X-Forwarded-*`, `X-Request-Id` and `x-user-id` (and `x-token-id`, `x-token-exp`
 * for a handshake).
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
  if (facts.userId !== undefined) out[identityHeaders.userId] = facts.userId;
  if (facts.token !== undefined) {
    out[identityHeaders.tokenId] = facts.token.jti;
    out[identityHeaders.tokenExpires] = String(facts.token.exp);
  }
  return out;
}

// Some servers read `x_user_id` as `x-user-id` (nginx, CGI), so underscores are no disguise.
function isGatewayOwned(name: string): boolean {
  return gatewayOwned.has(name.includes('_') ? name.replaceAll('_', '-') : name);
}

import type { IncomingHttpHeaders } from 'node:http';
import { connectionTokens, isHopByHop, type HeaderMap } from '../kit/proxy/hop-by-hop.js';

// The proxy sends its own client span as `traceparent`; Node already answered `expect`.
const replaced = new Set(['traceparent', 'expect']);

/**
 * The headers the lb sends upstream: its caller's as received — the lb trusts the gateway, so
 * `x-user-id`, `x-request-id` and `X-Forwarded-*` pass unchanged — minus hop-by-hop headers
 * (and every header the caller's `Connection` names).
 */
export function buildLbUpstreamHeaders(incoming: IncomingHttpHeaders): HeaderMap {
  const named = connectionTokens(incoming.connection);
  const out: HeaderMap = {};
  for (const name in incoming) {
    if (isHopByHop(name) || named?.has(name) || replaced.has(name)) continue;
    out[name] = incoming[name];
  }
  return out;
}

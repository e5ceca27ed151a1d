import type { IncomingMessage } from 'node:http';
import { gatewayErrors } from '../errors.js';
import type { SpanAttributes } from '../span-attributes.js';
import type { Limits, LimitVerdict } from './limits.js';

/**
 * The blacklist and per-address rate-limit stage of `client` (clientKeyOf), run before any other
 * work: throws GATEWAY_CLIENT_BLOCKED (403) or GATEWAY_RATE_LIMITED (429), both with
 * `Retry-After`. The caller reports the status it answered with `limits.record(client, status)`
 * once the answer's head is written (401s and 429s lead to a block), whether or not the client
 * stays to read it.
 */
export function admitClient(limits: Limits, client: string, attributes: SpanAttributes): void {
  enforce(limits.admitClient(client), 'client', attributes);
}

/** The per-user rate-limit stage, run right after auth; public routes (no user) pass. Throws GATEWAY_RATE_LIMITED (429). */
export function admitUser(limits: Limits, userId: string | undefined, attributes: SpanAttributes): void {
  if (userId !== undefined) enforce(limits.admitUser(userId), 'user', attributes);
}

/** The key of a client: its socket address, with an IPv4-mapped IPv6 address written as IPv4. */
export function clientKeyOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function enforce(verdict: LimitVerdict, scope: 'client' | 'user', attributes: SpanAttributes): void {
  if (verdict.outcome === 'allowed') return;
  const retryAfter = String(verdict.retryAfterS);
  if (verdict.outcome === 'blocked') {
    attributes.blocked = true;
    // A blocked client gets no keep-alive: its next attempt pays for a new connection.
    throw gatewayErrors.GATEWAY_CLIENT_BLOCKED({ headers: { 'retry-after': retryAfter, connection: 'close' } });
  }
  attributes.rateLimited = true;
  attributes.rateLimitScope = scope;
  throw gatewayErrors.GATEWAY_RATE_LIMITED({ headers: { 'retry-after': retryAfter } });
}

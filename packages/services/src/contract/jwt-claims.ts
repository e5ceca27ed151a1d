/**
 * The claims of a compact JWT read WITHOUT checking its signature: the payload of a token of
 * three parts, when it is a JSON object; undefined otherwise. Only to decide what to ask about
 * or when to look again, never to trust (the verifiers check signatures with jose).
 *
 * Read by hand, not with jose's decodeJwt: the kit is in every service, and jose costs ~60 ms of
 * CPU and ~8 MB to load where nothing else needs it.
 */
export function readClaimsUnverified(token: string): Readonly<Record<string, unknown>> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
}

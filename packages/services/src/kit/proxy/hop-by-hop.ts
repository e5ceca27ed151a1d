import type { IncomingHttpHeaders } from 'node:http';

/** Headers as Node hands them over: lower-case names, `set-cookie` as an array. */
export type HeaderMap = Record<string, string | string[] | undefined>;

// RFC 9110 §7.6.1 hop-by-hop headers, plus the non-standard Proxy-Connection.
const hopByHop: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Whether `name` (lower case) is a hop-by-hop header that a proxy never passes on. */
export function isHopByHop(name: string): boolean {
  return hopByHop.has(name);
}

// Nearly every Connection header says one of these; their token sets are shared, never rebuilt.
const commonTokens: ReadonlyMap<string, ReadonlySet<string>> = new Map(['keep-alive', 'close', 'Keep-Alive', 'Close'].map((value) => [value, new Set([value.toLowerCase()])]));

/** The lower-case header names a `Connection` header lists; undefined without one. */
export function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const common = commonTokens.get(value);
    if (common) return common;
  }
  const tokens = new Set<string>();
  for (const part of Array.isArray(value) ? value : [value]) {
    for (const token of part.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) tokens.add(name);
    }
  }
  return tokens;
}

/** Removes hop-by-hop headers (and every header the `Connection` header names) in place. */
export function stripHopByHop(headers: HeaderMap): void {
  const named = connectionTokens(headers.connection);
  // An answer has a handful of headers: walking them beats probing the nine hop-by-hop names,
  // and deleting only what is there keeps the object fast when nothing is.
  for (const name in headers) if (hopByHop.has(name) || named?.has(name)) delete headers[name];
}

/** Whether the client asked to close its connection after this exchange. */
export function clientWantsClose(incoming: IncomingHttpHeaders): boolean {
  return connectionTokens(incoming.connection)?.has('close') ?? false;
}

import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { EdgeResolver } from './edge-resolver.js';

/**
 * A `net` lookup function that asks the topology's DNS (`resolver`) for names in its zone and
 * the system's resolver for the rest, so a WebSocket client reaches `www.topolab.test` as the
 * gateway client does. Successive lookups rotate through the A records (DNS round robin).
 */
export function createResolverLookup(resolver: EdgeResolver): LookupFunction {
  let turn = 0;
  return (hostname, options, callback) => {
    if (!resolver.covers(hostname)) return systemLookup(hostname, options, callback);
    resolver.lookup(hostname).then(
      ({ addresses }) => {
        const start = turn++ % addresses.length;
        const ordered = [...addresses.slice(start), ...addresses.slice(0, start)];
        if ((options as { all?: boolean }).all) (callback as unknown as (error: null, all: { address: string; family: number }[]) => void)(null, ordered.map((address) => ({ address, family: 4 })));
        else callback(null, ordered[0]!, 4);
      },
      (error: Error) => callback(Object.assign(error, { code: 'ENOTFOUND' }) as NodeJS.ErrnoException, '', 4),
    );
  };
}

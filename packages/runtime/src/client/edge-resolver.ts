import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type * as DnsPacket from 'dns-packet';
import { dnsTraceparentOption } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

/** Where the topology's DNS server answers. */
export interface EdgeResolverOptions {
  readonly host: string;
  readonly port: number;
  /** The zone it is authoritative for: names outside it are not asked there. */
  readonly zone: string;
  /** Per attempt; a lost UDP datagram is asked again once. @default 1000 */
  readonly timeoutMs?: number;
  /** @default performance.now */
  readonly now?: () => number;
}

/** The A records of one name. */
export interface EdgeLookup {
  readonly name: string;
  readonly addresses: readonly string[];
  /** Answered from the cache (no query sent: no dns hop in the trace). */
  readonly cached: boolean;
}

/** A stub resolver for the topology's zone that caches by TTL, the way the OS resolver would. */
export interface EdgeResolver {
  readonly zone: string;
  /** Whether `hostname` is in the zone. */
  covers(hostname: string): boolean;
  /**
   * The A records of `name`, from the cache while their TTL lasts, else asked of the server with
   * `traceparent` in an EDNS option (the server's span joins that trace). An empty answer or
   * NXDOMAIN is CLIENT_DNS_NO_ADDRESS; no answer is CLIENT_DNS_TIMEOUT.
   */
  lookup(name: string, traceparent?: string): Promise<EdgeLookup>;
  /** Forgets `address` for `name` until the next query (it refused a connection). */
  drop(name: string, address: string): void;
}

/** Creates a resolver that asks dns#1 over UDP. */
export function createEdgeResolver(options: EdgeResolverOptions): EdgeResolver {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? 1000;
  const zone = options.zone.toLowerCase();
  const cache = new Map<string, { addresses: string[]; expires: number }>();
  let nextId = 1;

  /** The trace id in a traceparent, so a failed lookup's error names the request's trace. */
  const traceOf = (traceparent: string | undefined) => (traceparent ? { traceId: traceparent.split('-')[1] } : {});

  async function query(name: string, traceparent: string | undefined): Promise<{ addresses: string[]; ttlS: number; rcode: string }> {
    const id = nextId;
    nextId = (nextId % 65_535) + 1;
    const options_ = traceparent ? [{ code: dnsTraceparentOption, data: Buffer.from(traceparent, 'latin1') }] : [];
    // Loaded on the first lookup (then from the module cache): only scenarios that resolve through dns#1 need it, not every CLI start.
    const dnsPacket = await import('dns-packet');
    const message = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, options: options_ } as unknown as DnsPacket.Answer],
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await ask(dnsPacket, message, id).catch((error: unknown) => {
        if ((error as { timedOut?: boolean }).timedOut) return undefined;
        throw error;
      });
      if (!response) continue;
      const rcode = (response as { rcode?: string }).rcode ?? 'NOERROR';
      const answers = (response.answers ?? []).filter((answer): answer is DnsPacket.StringAnswer => answer.type === 'A');
      return { addresses: answers.map((answer) => answer.data), ttlS: Math.min(...answers.map((answer) => answer.ttl ?? 0), 60), rcode };
    }
    throw runtimeError('CLIENT_DNS_TIMEOUT', { message: `The DNS server ${options.host}:${options.port} did not answer for ${name}.`, details: { name, ...traceOf(traceparent) } });
  }

  function ask(dnsPacket: typeof DnsPacket, message: Buffer, id: number): Promise<DnsPacket.DecodedPacket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => {
        socket.close();
        reject(Object.assign(new Error('DNS timeout'), { timedOut: true }));
      }, timeoutMs);
      socket.on('error', (error) => {
        clearTimeout(timer);
        socket.close();
        reject(runtimeError('CLIENT_DNS_TIMEOUT', { message: `The DNS server ${options.host}:${options.port} cannot be asked (${(error as NodeJS.ErrnoException).code ?? error.message}).`, cause: error }));
      });
      socket.on('message', (data) => {
        let packet: DnsPacket.DecodedPacket;
        try {
          packet = dnsPacket.decode(data);
        } catch {
          return;
        }
        if (packet.id !== id || packet.type !== 'response') return;
        clearTimeout(timer);
        socket.close();
        resolve(packet);
      });
      socket.send(message, options.port, options.host);
    });
  }

  return {
    zone,
    covers: (hostname) => {
      const name = hostname.toLowerCase().replace(/\.$/, '');
      return name === zone || name.endsWith(`.${zone}`);
    },
    async lookup(name, traceparent) {
      const key = name.toLowerCase();
      const hit = cache.get(key);
      if (hit && hit.expires > now() && hit.addresses.length > 0) return { name, addresses: hit.addresses, cached: true };
      const answer = await query(key, traceparent);
      if (answer.addresses.length === 0) {
        cache.delete(key);
        throw runtimeError('CLIENT_DNS_NO_ADDRESS', {
          message: `${name} has no address (${answer.rcode === 'NXDOMAIN' ? 'no such name' : 'no record'}) at ${options.host}:${options.port}.`,
          details: { name, rcode: answer.rcode, ...traceOf(traceparent) },
        });
      }
      cache.set(key, { addresses: answer.addresses, expires: now() + answer.ttlS * 1000 });
      return { name, addresses: answer.addresses, cached: false };
    },
    drop(name, address) {
      const hit = cache.get(name.toLowerCase());
      if (!hit) return;
      hit.addresses = hit.addresses.filter((candidate) => candidate !== address);
    },
  };
}

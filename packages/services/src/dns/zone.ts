import { isIP } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Catalog } from '../contract/registry-api.js';

/** What the zone holds now: A records by name, from the registry. */
export interface ZoneRecords {
  /** `topolab.test`. */
  readonly zone: string;
  /** Lower-case owner name → IPv4 addresses (`www.topolab.test` → one per ready gateway). */
  readonly a: ReadonlyMap<string, readonly string[]>;
  /** The registry catalog version the records come from. */
  readonly version: number;
}

/** Settings of the zone's answers. */
export interface ZoneSettings {
  /** TTL of A records, seconds: short, so an evicted gateway leaves clients' caches soon. */
  readonly ttlS: number;
  /** Name of this server (NS and SOA mname): `ns1.topolab.test`. */
  readonly nameServer: string;
  /** This server's IPv4 address (the glue of `ns1`). */
  readonly nameServerAddress: string;
}

/**
 * The zone from a catalog: `www.<zone>` (and `gateway.<zone>`) → the gateways' addresses, and
 * `<service>.<zone>` → each other service's instance addresses, the way Consul's DNS interface
 * answers `<service>.service.consul`. Only IPv4 literals become A records; a service with no
 * live instance has no record.
 */
export function zoneFromCatalog(catalog: Catalog, zone: string): ZoneRecords {
  const a = new Map<string, string[]>();
  for (const [service, instances] of Object.entries(catalog.services)) {
    const addresses = [...new Set(instances.map((instance) => instance.host).filter((host) => isIP(host) === 4))].sort(compareAddresses);
    if (addresses.length === 0) continue;
    a.set(`${service}.${zone}`, addresses);
    if (service === 'gateway') a.set(`www.${zone}`, addresses);
  }
  return { zone, a, version: catalog.version };
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i += 1) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** Response codes (RFC 1035 §4.1.1, RFC 6895). */
export const rcodes = Object.freeze({ NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 });

/** The outcome of one query, for the span and the tests. */
export interface ZoneAnswer {
  readonly response: dnsPacket.Packet;
  readonly rcode: keyof typeof rcodes;
  /** The A records answered (empty for other outcomes). */
  readonly addresses: readonly string[];
}

/**
 * Answers one query as the authoritative server of the zone (AA set, no recursion offered):
 * A of a known name → its records; another type of a known name, or the apex → NOERROR with no
 * answer and the SOA in the authority section (RFC 2308 NODATA); SOA and NS of the apex → those
 * records; an unknown name in the zone → NXDOMAIN with the SOA; a name outside the zone →
 * REFUSED (not a resolver); anything but one QUERY question → NOTIMP / FORMERR.
 */
export function answerQuery(query: dnsPacket.DecodedPacket & { opcode?: string }, records: ZoneRecords, settings: ZoneSettings): ZoneAnswer {
  const question = query.questions?.[0];
  const base = { id: query.id ?? 0, type: 'response' as const, questions: query.questions ?? [] };
  const flagsOf = (rcode: number) => dnsPacket.AUTHORITATIVE_ANSWER | (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED | rcode;
  const edns = ednsOf(query) ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
  const reply = (rcode: keyof typeof rcodes, parts: Partial<dnsPacket.Packet> = {}, addresses: readonly string[] = []): ZoneAnswer => ({
    response: { ...base, flags: flagsOf(rcodes[rcode]), answers: [], authorities: [], ...parts, additionals: [...(parts.additionals ?? []), ...edns] as dnsPacket.Answer[] },
    rcode,
    addresses,
  });
  if (query.opcode !== undefined && query.opcode !== 'QUERY') return reply('NOTIMP');
  if (!question || (query.questions?.length ?? 0) !== 1) return reply('FORMERR');
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const zone = records.zone;
  const inZone = name === zone || name.endsWith(`.${zone}`);
  if (!inZone || (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY')) return reply('REFUSED');
  const soa = soaRecord(zone, settings, records.version);
  const ns = { name: zone, type: 'NS' as const, ttl: 3600, data: settings.nameServer };
  const glue = { name: settings.nameServer, type: 'A' as const, ttl: 3600, data: settings.nameServerAddress };
  const known = name === settings.nameServer ? [settings.nameServerAddress] : records.a.get(name);
  if (name === zone) {
    if (question.type === 'SOA') return reply('NOERROR', { answers: [soa], authorities: [ns] });
    if (question.type === 'NS') return reply('NOERROR', { answers: [ns], additionals: [glue] });
    return reply('NOERROR', { authorities: [soa] });
  }
  if (!known) return reply('NXDOMAIN', { authorities: [soa] });
  if (question.type !== 'A' && question.type !== ('ANY' as dnsPacket.RecordType)) return reply('NOERROR', { authorities: [soa] });
  const answers = known.map((address) => ({ name: question.name, type: 'A' as const, ttl: settings.ttlS, data: address }));
  return reply('NOERROR', { answers, authorities: [ns] }, known);
}

function soaRecord(zone: string, settings: ZoneSettings, version: number): dnsPacket.Answer {
  return {
    name: zone,
    type: 'SOA',
    ttl: settings.ttlS,
    data: {
      mname: settings.nameServer,
      rname: `hostmaster.${zone}`,
      // The serial follows the registry catalog's version, so it grows with every change.
      serial: version >>> 0,
      refresh: 60,
      retry: 10,
      expire: 600,
      // Negative answers are cached this long (RFC 2308 §5): as short as positive ones.
      minimum: settings.ttlS,
    },
  };
}

/** The OPT record of a query, when it speaks EDNS(0). */
export function ednsOf(query: dnsPacket.Packet): dnsPacket.OptAnswer | undefined {
  return query.additionals?.find((record): record is dnsPacket.OptAnswer => record.type === 'OPT');
}

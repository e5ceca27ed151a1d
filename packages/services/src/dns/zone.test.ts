import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { Catalog, InstanceRecord } from '../contract/registry-api.js';
import { answerQuery, zoneFromCatalog } from './zone.js';

const record = (service: string, instanceId: string, host: string): InstanceRecord => ({ service, instanceId, host, port: 8443, registeredAt: 0, lastHeartbeat: 0 });
const catalog: Catalog = {
  epoch: 'e',
  version: 42,
  routes: [],
  services: {
    gateway: [record('gateway', 'gateway#2', '127.0.2.2'), record('gateway', 'gateway#1', '127.0.0.1')],
    profile: [record('profile', 'profile#1', '127.0.5.1'), record('profile', 'profile#2', '127.0.5.2')],
    mail: [],
    odd: [record('odd', 'odd#1', '::1')],
  },
};
const records = zoneFromCatalog(catalog, 'topolab.test');
const settings = { ttlS: 1, nameServer: 'ns1.topolab.test', nameServerAddress: '127.0.15.1' };

/** A query as a resolver sends it, decoded as the server sees it. */
function ask(name: string, type: dnsPacket.RecordType = 'A', extra: Partial<dnsPacket.Packet> = {}) {
  return answerQuery(dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }], ...extra })), records, settings);
}
const rcodeOf = (answer: ReturnType<typeof ask>) => (dnsPacket.decode(dnsPacket.encode(answer.response)) as unknown as { rcode: string }).rcode;

describe('zoneFromCatalog', () => {
  it('gives www (and gateway) one A record per registered gateway, each service its instances, in address order', () => {
    expect(records.a.get('www.topolab.test')).toEqual(['127.0.0.1', '127.0.2.2']);
    expect(records.a.get('gateway.topolab.test')).toEqual(['127.0.0.1', '127.0.2.2']);
    expect(records.a.get('profile.topolab.test')).toEqual(['127.0.5.1', '127.0.5.2']);
    // No live instance, or no IPv4 address: no record.
    expect(records.a.has('mail.topolab.test')).toBe(false);
    expect(records.a.has('odd.topolab.test')).toBe(false);
    expect(records.version).toBe(42);
  });
});

describe('answerQuery (an authoritative server, RFC 1034 §4.3.2)', () => {
  it('answers A for www with every gateway, authoritative, with the TTL and the query id', () => {
    const answer = ask('www.topolab.test');
    const decoded = dnsPacket.decode(dnsPacket.encode(answer.response));
    expect(decoded.id).toBe(7);
    expect(decoded.flag_aa).toBe(true);
    expect(decoded.flag_rd).toBe(true);
    expect(decoded.flag_ra).toBe(false);
    expect(rcodeOf(answer)).toBe('NOERROR');
    expect(decoded.answers?.map((a) => [a.type, (a as dnsPacket.StringAnswer).data, (a as dnsPacket.StringAnswer).ttl])).toEqual([['A', '127.0.0.1', 1], ['A', '127.0.2.2', 1]]);
    expect(answer.addresses).toEqual(['127.0.0.1', '127.0.2.2']);
  });

  it('is case-insensitive (RFC 4343) and ignores a trailing dot', () => {
    expect(ask('WWW.TopoLab.Test.').addresses).toEqual(['127.0.0.1', '127.0.2.2']);
  });

  it('answers NODATA (NOERROR, no answer, SOA in authority: RFC 2308) for another type of a known name', () => {
    const answer = ask('www.topolab.test', 'AAAA');
    expect(rcodeOf(answer)).toBe('NOERROR');
    expect(answer.response.answers).toEqual([]);
    expect(answer.response.authorities?.[0]?.type).toBe('SOA');
  });

  it('answers NXDOMAIN with the SOA for an unknown name in the zone, and a serial that follows the catalog', () => {
    const answer = ask('nope.topolab.test');
    expect(rcodeOf(answer)).toBe('NXDOMAIN');
    const soa = answer.response.authorities?.[0] as dnsPacket.SoaAnswer;
    expect(soa.type).toBe('SOA');
    expect(soa.data.serial).toBe(42);
    expect(soa.data.minimum).toBe(1);
  });

  it('refuses names outside its zone: it is not a resolver', () => {
    expect(rcodeOf(ask('example.com'))).toBe('REFUSED');
    expect(rcodeOf(ask('nottopolab.test'))).toBe('REFUSED');
  });

  it('answers SOA and NS of the apex, with the name server\'s glue, and A of ns1', () => {
    const soa = ask('topolab.test', 'SOA');
    expect(soa.response.answers?.[0]?.type).toBe('SOA');
    const ns = ask('topolab.test', 'NS');
    expect((ns.response.answers?.[0] as dnsPacket.StringAnswer).data).toBe('ns1.topolab.test');
    expect(ns.response.additionals?.find((a) => a.type === 'A')).toMatchObject({ name: 'ns1.topolab.test', data: '127.0.15.1' });
    expect(ask('ns1.topolab.test').addresses).toEqual(['127.0.15.1']);
  });

  it('answers EDNS(0) with an OPT record when the query had one (RFC 6891 §7)', () => {
    const withEdns = ask('www.topolab.test', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, options: [] } as unknown as dnsPacket.Answer] });
    expect(withEdns.response.additionals?.some((a) => a.type === 'OPT')).toBe(true);
    expect(ask('www.topolab.test').response.additionals?.some((a) => a.type === 'OPT')).toBe(false);
  });

  it('answers NOTIMP for another opcode and FORMERR without exactly one question', () => {
    const update = dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 1, flags: 5 << 11, questions: [{ type: 'A', name: 'www.topolab.test' }] }));
    expect(rcodeOf(answerQuery(update, records, settings))).toBe('NOTIMP');
    const none = dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 1, questions: [] }));
    expect(rcodeOf(answerQuery(none, records, settings))).toBe('FORMERR');
  });
});

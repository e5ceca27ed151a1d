import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { dnsTraceparentOption } from '@topolab/services/contract';
import { createEdgeResolver } from './edge-resolver.js';

let server: Socket | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A UDP DNS server answering from `answer`; records what it was asked. */
async function fakeDns(answer: (query: dnsPacket.DecodedPacket) => dnsPacket.Packet | undefined) {
  const queries: dnsPacket.DecodedPacket[] = [];
  server = createSocket('udp4');
  server.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    queries.push(query);
    const response = answer(query);
    if (response) server!.send(dnsPacket.encode({ id: query.id, type: 'response', questions: query.questions, ...response }), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => server!.bind(0, '127.0.0.1', resolve));
  return { port: server.address().port, queries };
}

const a = (addresses: string[], ttl = 1): Partial<dnsPacket.Packet> => ({ answers: addresses.map((data) => ({ type: 'A', name: 'www.topolab.test', ttl, data })) });

describe('createEdgeResolver', () => {
  it('asks with the request\'s traceparent in an EDNS option and caches the answer for its TTL', async () => {
    let now = 0;
    const { port, queries } = await fakeDns(() => a(['127.0.0.1', '127.0.2.2'], 2));
    const resolver = createEdgeResolver({ host: '127.0.0.1', port, zone: 'topolab.test', now: () => now });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(await resolver.lookup('www.topolab.test', traceparent)).toEqual({ name: 'www.topolab.test', addresses: ['127.0.0.1', '127.0.2.2'], cached: false });
    const opt = queries[0]!.additionals?.find((record): record is dnsPacket.OptAnswer => record.type === 'OPT');
    expect(opt?.options.find((option) => (option.code as number) === dnsTraceparentOption)?.data?.toString()).toBe(traceparent);
    now = 1999;
    expect((await resolver.lookup('www.topolab.test')).cached).toBe(true);
    now = 2001;
    expect((await resolver.lookup('www.topolab.test')).cached).toBe(false);
    expect(queries).toHaveLength(2);
  });

  it('forgets a refusing address until the next query', async () => {
    const { port } = await fakeDns(() => a(['127.0.0.1', '127.0.2.2'], 60));
    const resolver = createEdgeResolver({ host: '127.0.0.1', port, zone: 'topolab.test' });
    await resolver.lookup('www.topolab.test');
    resolver.drop('www.topolab.test', '127.0.2.2');
    expect(await resolver.lookup('www.topolab.test')).toMatchObject({ addresses: ['127.0.0.1'], cached: true });
  });

  it('covers its zone only', () => {
    const resolver = createEdgeResolver({ host: '127.0.0.1', port: 1, zone: 'topolab.test' });
    expect(resolver.covers('www.topolab.test')).toBe(true);
    expect(resolver.covers('WWW.TOPOLAB.TEST.')).toBe(true);
    expect(resolver.covers('topolab.test.evil')).toBe(false);
    expect(resolver.covers('127.0.0.1')).toBe(false);
  });

  it('fails with CLIENT_DNS_NO_ADDRESS for NXDOMAIN or no record, naming the trace', async () => {
    const { port } = await fakeDns(() => ({ flags: 3, answers: [] }));
    const resolver = createEdgeResolver({ host: '127.0.0.1', port, zone: 'topolab.test' });
    await expect(resolver.lookup('www.topolab.test', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).rejects.toMatchObject({
      code: 'CLIENT_DNS_NO_ADDRESS',
      details: { rcode: 'NXDOMAIN', traceId: '0af7651916cd43dd8448eb211c80319c' },
    });
  });

  it('asks twice, then fails with CLIENT_DNS_TIMEOUT, when the server stays silent', async () => {
    const { port, queries } = await fakeDns(() => undefined);
    const resolver = createEdgeResolver({ host: '127.0.0.1', port, zone: 'topolab.test', timeoutMs: 50 });
    await expect(resolver.lookup('www.topolab.test')).rejects.toMatchObject({ code: 'CLIENT_DNS_TIMEOUT' });
    expect(queries).toHaveLength(2);
  });
});

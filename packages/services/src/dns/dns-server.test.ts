import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { dnsTraceparentOption } from '../contract/edge.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createDnsServer, type DnsServer } from './dns-server.js';
import type { ZoneRecords } from './zone.js';

let server: DnsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(a: Record<string, string[]> = { 'www.topolab.test': ['127.0.0.1', '127.0.2.2'] }) {
  const recorded = recordTelemetry('dns');
  const records: ZoneRecords = { zone: 'topolab.test', a: new Map(Object.entries(a)), version: 3 };
  server = createDnsServer({ records: () => records, settings: { ttlS: 1, nameServer: 'ns1.topolab.test', nameServerAddress: '127.0.0.1' }, telemetry: recorded.telemetry });
  const address = await server.listen('127.0.0.1', 0);
  return { ...address, recorded };
}

function udpExchange(port: number, message: Buffer, timeoutMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(data);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

describe('createDnsServer', () => {
  it('answers an ordinary resolver over UDP (what dig does)', async () => {
    const { port } = await start();
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect((await resolver.resolve4('www.topolab.test')).sort()).toEqual(['127.0.0.1', '127.0.2.2']);
    await expect(resolver.resolve4('nope.topolab.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('answers over TCP on the same port, several length-prefixed queries on one connection (RFC 7766)', async () => {
    const { port } = await start();
    const frame = (id: number, name: string) => {
      const message = dnsPacket.encode({ type: 'query', id, questions: [{ type: 'A', name }] });
      const framed = Buffer.alloc(2 + message.length);
      framed.writeUInt16BE(message.length, 0);
      message.copy(framed, 2);
      return framed;
    };
    const socket = connect(port, '127.0.0.1');
    const answers: dnsPacket.DecodedPacket[] = [];
    let pending = Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          answers.push(dnsPacket.decode(pending.subarray(2, 2 + pending.readUInt16BE(0))));
          pending = pending.subarray(2 + pending.readUInt16BE(0));
        }
        if (answers.length === 2) resolve();
      });
      // Both queries in one write, the second split over two: the server reframes them.
      const both = Buffer.concat([frame(1, 'www.topolab.test'), frame(2, 'nope.topolab.test')]);
      socket.write(both.subarray(0, both.length - 5));
      setTimeout(() => socket.write(both.subarray(both.length - 5)), 20);
    });
    socket.destroy();
    expect(answers.map((answer) => answer.id)).toEqual([1, 2]);
    expect(answers[0]!.answers).toHaveLength(2);
    expect((answers[1] as unknown as { rcode: string }).rcode).toBe('NXDOMAIN');
  });

  it('joins the trace of the request a lookup is for, from the traceparent in its EDNS option', async () => {
    const { port, recorded } = await start();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const query = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ type: 'A', name: 'www.topolab.test' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, options: [{ code: dnsTraceparentOption, data: Buffer.from(traceparent) }] } as unknown as dnsPacket.Answer],
    });
    const response = await udpExchange(port, query);
    expect(response && dnsPacket.decode(response).answers).toHaveLength(2);
    recorded.telemetry.flush();
    const span = recorded.spans().find((candidate) => candidate.name === 'DNS A www.topolab.test');
    expect(span).toMatchObject({ kind: 'server', traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: 'b7ad6b7169203331' });
    expect(span?.attributes).toMatchObject({ protocol: 'udp', rcode: 'NOERROR', answers: '127.0.0.1,127.0.2.2' });
  });

  it('truncates a UDP answer above 512 bytes without EDNS (TC set) so the client asks over TCP', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `127.0.2.${i + 1}`);
    const { port } = await start({ 'www.topolab.test': many });
    const response = await udpExchange(port, dnsPacket.encode({ type: 'query', id: 4, questions: [{ type: 'A', name: 'www.topolab.test' }] }));
    const decoded = dnsPacket.decode(response!);
    expect(decoded.flag_tc).toBe(true);
    expect(decoded.answers).toEqual([]);
    expect(response!.length).toBeLessThanOrEqual(512);
    // Node's resolver (c-ares) retries over TCP on TC and gets all of them.
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect(await resolver.resolve4('www.topolab.test')).toHaveLength(60);
  });

  it('answers FORMERR to a readable header with a broken body, and drops what is not even a header', async () => {
    const { port } = await start();
    const broken = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f]);
    const answer = await udpExchange(port, broken);
    expect(answer?.readUInt16BE(0)).toBe(0x1234);
    expect(answer && (answer.readUInt16BE(2) & 0xf)).toBe(1);
    expect(await udpExchange(port, Buffer.from([1, 2, 3]), 200)).toBeUndefined();
  });
});

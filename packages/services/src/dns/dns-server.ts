import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
// dns-packet (mafintosh) encodes and decodes RFC 1035 messages, EDNS(0) options included; the
// server around it is small and needs the trace option, which full DNS servers do not carry.
import * as dnsPacket from 'dns-packet';
import { dnsTraceparentOption } from '../contract/edge.js';
import { spanIn, type Telemetry } from '../kit/telemetry.js';
import { startServerTrace } from '../kit/trace.js';
import { answerQuery, ednsOf, rcodes, type ZoneAnswer, type ZoneRecords, type ZoneSettings } from './zone.js';

/** Options of createDnsServer. */
export interface DnsServerOptions {
  /** The zone's records now (read per query). */
  readonly records: () => ZoneRecords;
  readonly settings: ZoneSettings;
  readonly telemetry: Telemetry;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** A DNS server on UDP and TCP, the same port for both (as port 53 is). */
export interface DnsServer {
  /** Binds UDP, then TCP on the port UDP got; with port 0 retries a few ports if TCP's is taken. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
}

/** The most a UDP answer may be without EDNS(0) (RFC 1035 §4.2.1); larger ones are truncated (TC) so the client asks over TCP. */
const classicUdpLimit = 512;
/** What we accept and advertise with EDNS(0): the DNS Flag Day 2020 size. */
const ednsUdpLimit = 1232;
/** A TCP connection with no complete query in this long is closed (RFC 7766 §6.2.3). */
const tcpIdleMs = 10_000;

/** Creates the authoritative server of the zone; each query is a server span (joined to the caller's trace when it sent one in EDNS). */
export function createDnsServer(options: DnsServerOptions): DnsServer {
  const { telemetry } = options;
  const clock = options.clock ?? Date.now;
  let udp: UdpSocket | undefined;
  let tcp: TcpServer | undefined;
  const connections = new Set<Socket>();

  /** Answers one message; undefined when it cannot even be read as a query (dropped, as servers do with garbage). */
  function handle(message: Buffer, protocol: 'udp' | 'tcp', from: string): Buffer | undefined {
    const started = performance.now();
    const start = clock();
    let query: dnsPacket.DecodedPacket & { opcode?: string };
    try {
      query = dnsPacket.decode(message) as typeof query;
    } catch {
      if (message.length < 12) return undefined;
      // A readable header with an unreadable body: FORMERR with the query's id.
      const formerr = Buffer.alloc(12);
      message.copy(formerr, 0, 0, 2);
      formerr.writeUInt16BE(0x8000 | dnsPacket.AUTHORITATIVE_ANSWER | rcodes.FORMERR, 2);
      record({ start, started, protocol, from, qname: '', qtype: '', answer: undefined, rcode: 'FORMERR', traceparent: undefined });
      return formerr;
    }
    if (query.type === 'response') return undefined;
    const answer = answerQuery(query, options.records(), options.settings);
    let encoded = dnsPacket.encode(answer.response);
    const limit = protocol === 'tcp' ? 65_535 : ednsOf(query) ? Math.max(classicUdpLimit, Math.min(ednsOf(query)!.udpPayloadSize, ednsUdpLimit)) : classicUdpLimit;
    if (encoded.length > limit) {
      encoded = dnsPacket.encode({ ...answer.response, flags: (answer.response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
    }
    const question = query.questions?.[0];
    record({ start, started, protocol, from, qname: question?.name ?? '', qtype: question?.type ?? '', answer, rcode: answer.rcode, traceparent: traceparentOf(query) });
    return encoded;
  }

  function record(fields: { start: number; started: number; protocol: string; from: string; qname: string; qtype: string; answer: ZoneAnswer | undefined; rcode: string; traceparent: string | undefined }): void {
    const trace = startServerTrace(fields.traceparent);
    telemetry.span(spanIn(trace, {
      kind: 'server',
      name: `DNS ${fields.qtype || '?'} ${fields.qname || '?'}`,
      start: fields.start,
      durationMs: performance.now() - fields.started,
      attributes: {
        protocol: fields.protocol,
        rcode: fields.rcode,
        client: fields.from,
        ...(fields.answer && fields.answer.addresses.length > 0 ? { answers: fields.answer.addresses.join(',') } : {}),
      },
    }));
  }

  function serveTcp(socket: Socket): void {
    connections.add(socket);
    socket.setTimeout(tcpIdleMs, () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: each message over TCP is preceded by its two-byte length.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) return;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const response = handle(message, 'tcp', `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`);
        if (!response) {
          socket.destroy();
          return;
        }
        const framed = Buffer.alloc(2 + response.length);
        framed.writeUInt16BE(response.length, 0);
        response.copy(framed, 2);
        socket.write(framed);
      }
    });
  }

  async function bindUdp(host: string, port: number): Promise<UdpSocket> {
    const socket = createSocket({ type: 'udp4' });
    socket.on('message', (message, remote) => {
      const response = handle(message, 'udp', `${remote.address}:${remote.port}`);
      if (response) socket.send(response, remote.port, remote.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => telemetry.warn('dns udp error', { error: error.message }));
    return socket;
  }

  async function bindTcp(host: string, port: number): Promise<TcpServer> {
    const server = createServer(serveTcp);
    server.listen({ host, port, exclusive: true });
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw error;
      }),
    ]);
    return server;
  }

  return {
    async listen(host, port) {
      for (let attempt = 0; ; attempt += 1) {
        const socket = await bindUdp(host, port);
        const bound = socket.address().port;
        try {
          tcp = await bindTcp(host, bound);
          udp = socket;
          return { host, port: bound };
        } catch (error) {
          socket.close();
          if (port !== 0 || attempt >= 4 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        }
      }
    },
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        udp ? new Promise<void>((resolve) => udp!.close(() => resolve())) : undefined,
        tcp ? new Promise<void>((resolve) => tcp!.close(() => resolve())) : undefined,
      ]);
    },
  };
}

/** The traceparent topolab's resolver put in the query's EDNS options, if any. */
function traceparentOf(query: dnsPacket.Packet): string | undefined {
  const option = ednsOf(query)?.options.find((candidate) => (candidate.code as number) === dnsTraceparentOption);
  return option?.data ? option.data.toString('latin1') : undefined;
}

import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { waitForEdgeRecords } from './edge-records.js';
import type { TopologyEdge } from './topology.js';

let server: Socket | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** dns#1 stand-in on UDP: answers www.topolab.test with `addresses()` (none: it never answers). */
async function dnsAnswering(addresses: () => string[] | undefined): Promise<number> {
  server = createSocket('udp4');
  server.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    const found = addresses();
    if (!found) return;
    const answers = found.map((data) => ({ type: 'A' as const, name: 'www.topolab.test', ttl: 1, data }));
    server!.send(dnsPacket.encode({ id: query.id, type: 'response', questions: query.questions, answers }), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => server!.bind(0, '127.0.0.1', resolve));
  return server.address().port;
}

const edgeAt = (port: number): TopologyEdge => ({ url: 'https://www.topolab.test:8443', gatewayUrl: 'https://127.0.0.1:8443', dns: { host: '127.0.0.1', port, zone: 'topolab.test', name: 'www.topolab.test' } });
const gateways = [{ host: '127.0.0.1' }, { host: '127.0.2.2' }] as InstanceInfo[];

describe('waitForEdgeRecords: "all ready" only once dns#1 answers the name with every gateway', () => {
  it('returns once dns#1 learned of the second gateway', async () => {
    let asked = 0;
    const port = await dnsAnswering(() => (++asked < 3 ? ['127.0.0.1'] : ['127.0.2.2', '127.0.0.1']));
    await waitForEdgeRecords(edgeAt(port), gateways, 5000);
    expect(asked).toBe(3);
  });

  it('throws SUPERVISOR_START_TIMEOUT naming dns#1 and what it answered, never a silent ready', async () => {
    const port = await dnsAnswering(() => ['127.0.0.1']);
    await expect(waitForEdgeRecords(edgeAt(port), gateways, 300)).rejects.toMatchObject({
      code: 'SUPERVISOR_START_TIMEOUT',
      message: 'dns#1 did not answer www.topolab.test with every gateway (127.0.0.1, 127.0.2.2) within 300 ms; it answered 127.0.0.1.',
    });
  });

  it('throws as well when dns#1 does not answer at all', async () => {
    const port = await dnsAnswering(() => undefined);
    await expect(waitForEdgeRecords(edgeAt(port), gateways, 300)).rejects.toMatchObject({ code: 'SUPERVISOR_START_TIMEOUT', details: { instanceId: 'dns#1', found: [] } });
  });
});

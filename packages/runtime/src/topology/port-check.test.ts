import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isTopolabError } from '../errors/topolab-error.js';
import { assertPortsFree, claimInUse, type PortClaim } from './port-check.js';
import { dnsPortClaims, gatewayPortClaims } from './port-claims.js';

async function tcpBlocker(host = '127.0.0.1'): Promise<number> {
  const server = createServer().listen(0, host);
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function udpBlocker(host = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, host);
  await once(socket, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

async function failureOf(claims: readonly PortClaim[]): Promise<unknown> {
  return assertPortsFree(claims).then(() => undefined, (error: unknown) => error);
}

describe('assertPortsFree', () => {
  it('names the HTTPS flag when the HTTPS port is taken, the HTTP one for the redirect port', async () => {
    const taken = await tcpBlocker();
    const https = await failureOf(gatewayPortClaims({ host: '127.0.0.1', port: taken, redirectPort: 0 }, 1, true));
    expect(https).toMatchObject({ code: 'TOPOLOGY_PORT_IN_USE', exitCode: 3, details: { port: taken, protocol: 'tcp', option: 'httpsPort' } });
    expect((https as Error).message).toBe(`gateway#1 (HTTPS) cannot listen on 127.0.0.1:${taken}/tcp: the port is in use.`);
    expect(isTopolabError(https) && https.hint).toContain('`--https-port`');
    const redirect = await failureOf(gatewayPortClaims({ host: '127.0.0.1', port: 0, redirectPort: taken }, 1, true));
    expect(isTopolabError(redirect) && redirect.hint).toContain('`--port`');
  });

  it('checks a DNS port over UDP (RFC 1035 §4.2.1) and over TCP (RFC 7766), naming --dns-port', async () => {
    const udp = await udpBlocker();
    const overUdp = await failureOf(dnsPortClaims('127.0.0.1', udp, 1));
    expect(overUdp).toMatchObject({ code: 'TOPOLOGY_PORT_IN_USE', details: { protocol: 'udp', option: 'dnsPort' } });
    expect(isTopolabError(overUdp) && overUdp.hint).toContain('`--dns-port`');
    const tcp = await tcpBlocker();
    expect(await failureOf(dnsPortClaims('127.0.0.1', tcp, 1))).toMatchObject({ code: 'TOPOLOGY_PORT_IN_USE', details: { protocol: 'tcp', option: 'dnsPort' } });
  });

  it('never checks port 0 (any port), and tells UDP from TCP (one taken, the other free)', async () => {
    expect(dnsPortClaims('127.0.0.1', 0, 1)).toEqual([]);
    expect(gatewayPortClaims({ host: '127.0.0.1', port: 0, redirectPort: 0 }, 1, true)).toEqual([]);
    const free = await tcpBlocker();
    await expect(assertPortsFree([{ host: '127.0.0.1', port: free, protocol: 'udp', listener: 'dns#1', option: 'dnsPort' }])).resolves.toBeUndefined();
  });
});

describe('claimInUse', () => {
  const claims = [...gatewayPortClaims({ host: '127.0.0.1', port: 8443, redirectPort: 8080 }, 1, true), ...dnsPortClaims('127.0.15.1', 8053, 1)];

  it('finds the claim a late EADDRINUSE names, in the lines Node and the kit log write', () => {
    expect(claimInUse(claims, ['dns#1: Error: bind EADDRINUSE 127.0.15.1:8053', '    at node:dgram:373:20'])).toMatchObject({ option: 'dnsPort', protocol: 'udp' });
    const json = '01:09:48.043 error fatal error {"error":{"name":"Error","message":"listen EADDRINUSE: address already in use 127.0.15.1:8053","errorCode":"EADDRINUSE"}}';
    expect(claimInUse(claims, [json])).toMatchObject({ option: 'dnsPort', protocol: 'tcp' });
    expect(claimInUse(claims, ['Error: listen EADDRINUSE: address already in use 127.0.0.1:8080'])).toMatchObject({ option: 'gatewayPort', listener: 'gateway#1 (HTTP redirect)' });
  });

  it('finds none for another error or another port', () => {
    expect(claimInUse(claims, ['Error: listen EACCES: permission denied 127.0.0.1:8443'])).toBeUndefined();
    expect(claimInUse(claims, ['Error: listen EADDRINUSE: address already in use 127.0.0.1:9999'])).toBeUndefined();
    expect(claimInUse(claims, undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { TlsMaterial } from '../edge/tls-material.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createEdgePlan } from './edge-plan.js';

const gatewaySpec = { name: 'gateway' as const, addressOctet: 2 };
const material: TlsMaterial = { caFile: '/d/tls/ca.pem', ca: 'PEM', certFile: '/d/tls/gateway.pem', keyFile: '/d/tls/gateway-key.pem', notAfter: new Date(0), caFingerprint: 'AB', reused: false };
const ready = (index: number, port: number, redirect?: number) =>
  ({ index, host: index === 1 ? '127.0.0.1' : `127.0.2.${index}`, port, endpoints: redirect === undefined ? {} : { http: { host: '127.0.0.1', port: redirect } } }) as unknown as InstanceInfo;

describe('createEdgePlan', () => {
  it('puts every gateway on the same ports, each on its own address, where 127/8 is loopback', async () => {
    const plan = createEdgePlan({ gatewaySpec, gatewayHost: '127.0.0.1', httpPort: 8080, httpsPort: 8443, tls: Promise.resolve(material), platform: 'linux' });
    expect(plan.sharesPorts).toBe(true);
    expect(await plan.listenOf(1)).toEqual({ host: '127.0.0.1', port: 8443, redirectPort: 8080 });
    expect(await plan.listenOf(3)).toEqual({ host: '127.0.2.3', port: 8443, redirectPort: 8080 });
    expect(await plan.envOf(await plan.listenOf(2))).toEqual({
      TOPOLAB_TLS_CERT_FILE: '/d/tls/gateway.pem',
      TOPOLAB_TLS_KEY_FILE: '/d/tls/gateway-key.pem',
      TOPOLAB_REDIRECT_PORT: '8080',
      TOPOLAB_HTTPS_PORT: '8443',
    });
    expect(plan.urlOf({ host: '127.0.2.3', port: 8443 })).toBe('https://127.0.2.3:8443');
  });

  it('with ports picked by the OS, the other gateways wait for the first one\'s and share them', async () => {
    const plan = createEdgePlan({ gatewaySpec, gatewayHost: '127.0.0.1', httpPort: 0, httpsPort: 0, tls: Promise.resolve(material), platform: 'linux' });
    expect(await plan.listenOf(1)).toEqual({ host: '127.0.0.1', port: 0, redirectPort: 0 });
    let second: unknown;
    const waiting = plan.listenOf(2).then((listen) => (second = listen));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(second).toBeUndefined();
    plan.learn(ready(1, 41000, 41001));
    await waiting;
    expect(second).toEqual({ host: '127.0.2.2', port: 41000, redirectPort: 41001 });
    expect([plan.port(), plan.redirectPort()]).toEqual([41000, 41001]);
  });

  it('fails whoever waits when the first gateway does not start', async () => {
    const plan = createEdgePlan({ gatewaySpec, gatewayHost: '127.0.0.1', httpPort: 0, httpsPort: 0, tls: undefined, platform: 'linux' });
    const waiting = plan.listenOf(2);
    plan.fail(new Error('EADDRINUSE'));
    await expect(waiting).rejects.toThrow('EADDRINUSE');
  });

  it('without TLS the main port is the HTTP one and there is no redirect or certificate', async () => {
    const plan = createEdgePlan({ gatewaySpec, gatewayHost: '127.0.0.1', httpPort: 8080, httpsPort: 8443, tls: undefined, platform: 'linux' });
    expect(await plan.listenOf(2)).toEqual({ host: '127.0.2.2', port: 8080, redirectPort: undefined });
    expect(await plan.envOf(await plan.listenOf(1))).toEqual({});
    expect(plan.urlOf({ host: '0.0.0.0', port: 8080 })).toBe('http://127.0.0.1:8080');
  });

  it('elsewhere (or on a non-loopback host) gateway #n takes the ports after #1\'s on the one host', async () => {
    const mac = createEdgePlan({ gatewaySpec, gatewayHost: '127.0.0.1', httpPort: 8080, httpsPort: 8443, tls: Promise.resolve(material), platform: 'darwin' });
    expect(mac.sharesPorts).toBe(false);
    expect(await mac.listenOf(2)).toEqual({ host: '127.0.0.1', port: 8444, redirectPort: 8081 });
    expect(await mac.envOf(await mac.listenOf(2))).not.toHaveProperty('TOPOLAB_HTTPS_PORT');
    const wildcard = createEdgePlan({ gatewaySpec, gatewayHost: '0.0.0.0', httpPort: 8080, httpsPort: 8443, tls: undefined, platform: 'linux' });
    expect(await wildcard.listenOf(2)).toEqual({ host: '0.0.0.0', port: 8081, redirectPort: undefined });
  });
});

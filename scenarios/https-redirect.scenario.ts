import { X509Certificate } from 'node:crypto';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { defineScenario } from '@topolab/runtime/dsl';

/** Opens a TLS connection and reports how the handshake went (the socket is closed at once). */
function handshake(options: ConnectionOptions): Promise<{ socket?: TLSSocket; protocol?: string | null; authorized?: boolean; error?: string; certificate?: X509Certificate }> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, timeout: 3000 });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate();
      resolve({ protocol: socket.getProtocol(), authorized: socket.authorized, error: socket.authorizationError?.toString(), ...(raw ? { certificate: raw } : {}) });
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ error: 'timeout' });
    });
  });
}

/**
 * Seed 002's edge: HTTPS with a certificate generated at start, and HTTP redirected to HTTPS.
 * The topology's local CA issued the gateway's certificate (SANs localhost, 127.0.0.1,
 * www.topolab.test); plain HTTP answers 308 (RFC 9110 §15.4.9: method and body kept, unlike
 * 301/302), a client offering less than TLS 1.2 is refused (RFC 8996), TLS 1.2 only with ECDHE
 * and AEAD suites (RFC 9325 §4.2), and answers by name carry HSTS (RFC 6797).
 */
export default defineScenario({
  name: 'https-redirect',
  summary: 'The gateway serves HTTPS with a certificate from the topology\'s own CA; plain HTTP answers 308 to the same URL on HTTPS; TLS below 1.2 and CBC suites are refused; HSTS on www.topolab.test only.',
  topology: { tls: true },
  async run(ctx) {
    const plain = ctx.plainHttp;
    const tls = ctx.edge.tls;
    ctx.expect(plain).toBeDefined();
    ctx.expect(tls).toBeDefined();
    if (!plain || !tls) return;
    const https = new URL(ctx.edge.gatewayUrl);

    await ctx.step('plain HTTP answers 308 Permanent Redirect to the same path and query on HTTPS', async () => {
      const answer = await plain.get('/profile/me?fields=displayName');
      ctx.expect(answer).toHaveStatus(308);
      ctx.expect(answer.headers.location).toBe(`https://${https.hostname}:${https.port}/profile/me?fields=displayName`);
      ctx.note(`${plain.url} → ${answer.headers.location}`);
    });

    await ctx.step('a Host the certificate does not cover is not echoed into the redirect (no open redirect)', async () => {
      const answer = await plain.request({ method: 'GET', path: '/health', headers: { host: 'evil.example:80' } });
      ctx.expect(answer).toHaveStatus(308);
      ctx.expect(answer.headers.location?.startsWith(`https://${https.hostname}:${https.port}/`)).toBe(true);
      const named = await plain.request({ method: 'GET', path: '/health', headers: { host: `localhost:${new URL(plain.url).port}` } });
      ctx.expect(named.headers.location).toBe(`https://localhost:${https.port}/health`);
    });

    await ctx.step('a POST gets 308 too, so a client repeats it with its body on HTTPS', async () => {
      const body = { username: 'nobody', password: 'not-the-password' };
      const redirected = await plain.post('/auth/login', body);
      ctx.expect(redirected).toHaveStatus(308);
      const target = new URL(redirected.headers.location ?? '');
      const repeated = await ctx.gateways[0]!.post(`${target.pathname}${target.search}`, body);
      ctx.expect(repeated.status).toBe(401);
      ctx.note(`the repeated POST reached auth over HTTPS: ${repeated.status} ${(repeated.body as { error?: { code?: string } }).error?.code ?? ''}`);
    });

    await ctx.step('the certificate chains to the topology\'s CA and covers localhost, 127.0.0.1 and www.topolab.test', async () => {
      const trusted = await handshake({ host: https.hostname, port: Number(https.port), servername: 'www.topolab.test', ca: tls.ca });
      ctx.expect(trusted.error).toBeUndefined();
      ctx.expect(trusted.authorized).toBe(true);
      const certificate = trusted.certificate;
      ctx.expect(certificate).toBeDefined();
      if (!certificate) return;
      for (const name of ['localhost', 'www.topolab.test']) ctx.expect(certificate.checkHost(name)).toBe(name);
      ctx.expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
      ctx.expect(certificate.checkHost('evil.example')).toBeUndefined();
      ctx.expect(certificate.verify(new X509Certificate(tls.ca).publicKey)).toBe(true);
      ctx.note(`${trusted.protocol}, issued by "${certificate.issuer.replace(/\n/g, ', ')}", SAN ${certificate.subjectAltName}, valid until ${certificate.validTo}`);
      ctx.note(`CA ${tls.caFile}: curl --cacert ${tls.caFile} ${ctx.edge.gatewayUrl}/health`);
      const untrusted = await handshake({ host: https.hostname, port: Number(https.port), servername: 'www.topolab.test' });
      ctx.expect(untrusted.error).toBe('SELF_SIGNED_CERT_IN_CHAIN');
      ctx.note('without the CA, the system trust store refuses it: SELF_SIGNED_CERT_IN_CHAIN');
    });

    await ctx.step('a client offering only TLS 1.0–1.1 is refused with a protocol_version alert', async () => {
      // The client side allows the old versions (security level 0), so a refusal can only come from the gateway.
      const old = await handshake({ host: https.hostname, port: Number(https.port), servername: 'www.topolab.test', ca: tls.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
      ctx.expect(old.error).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      const modern = await handshake({ host: https.hostname, port: Number(https.port), servername: 'www.topolab.test', ca: tls.ca, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
      ctx.expect(modern.protocol).toBe('TLSv1.2');
    });

    await ctx.step('TLS 1.2 only with ECDHE and an AEAD cipher: a CBC suite is refused (Mozilla intermediate, RFC 9325 §4.2)', async () => {
      const target = { host: https.hostname, port: Number(https.port), servername: 'www.topolab.test', ca: tls.ca, maxVersion: 'TLSv1.2' } as const;
      const cbc = await handshake({ ...target, ciphers: 'ECDHE-ECDSA-AES128-SHA@SECLEVEL=0' });
      ctx.expect(cbc.error).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
      const gcm = await handshake({ ...target, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
      ctx.expect(gcm.protocol).toBe('TLSv1.2');
      ctx.note('ECDHE-ECDSA-AES128-SHA (CBC): handshake_failure; ECDHE-ECDSA-AES128-GCM-SHA256: accepted');
    });

    await ctx.step('HSTS (RFC 6797) on answers to www.topolab.test, not to an IP literal (§8.1.1) nor on the plain-HTTP redirect (§7.2)', async () => {
      const named = await ctx.gateway.get('/health');
      ctx.expect(named.headers['strict-transport-security']).toBe('max-age=3600');
      const byAddress = await ctx.gateways[0]!.get('/health');
      ctx.expect(byAddress.headers['strict-transport-security']).toBeUndefined();
      const redirected = await plain.request({ method: 'GET', path: '/health', headers: { host: `www.topolab.test:${new URL(plain.url).port}` } });
      ctx.expect(redirected.headers['strict-transport-security']).toBeUndefined();
      ctx.note(`${ctx.gateway.url}: strict-transport-security: ${named.headers['strict-transport-security']}; ${ctx.edge.gatewayUrl} and the redirect: none`);
    });

    await ctx.step('the HTTPS URL by name works end to end: lookup, TLS, gateway', async () => {
      const answer = await ctx.gateway.get('/health');
      ctx.expect(answer).toHaveStatus(200);
      ctx.expect(ctx.gateway.url.startsWith('https://')).toBe(true);
    });
  },
});

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureTlsMaterial } from '../src/edge/tls-material.js';
import { makeTempDir, programFor } from './helpers.js';

/**
 * The local CA checked with Debian's OpenSSL, a verifier nobody here wrote: its Name Constraints
 * (RFC 5280 §4.2.1.10) make it useless for any name outside the topology's. Skipped without the
 * binary, unless TOPOLAB_REQUIRE_BACKENDS=1.
 */
const openssl = programFor('openssl');
const curl = programFor('curl');

// Asynchronous: a server in this process must keep answering while curl talks to it.
async function run(program: string, args: readonly string[]): Promise<{ status: number | undefined; out: string }> {
  const result = await execa(program, args, { reject: false, timeout: 30_000, input: '', all: true });
  return { status: result.exitCode, out: result.all };
}

/** A certificate for `san` (e.g. `DNS:evil.example`) signed with the topology CA's own key by `openssl x509 -req`. */
async function signWithCaKey(tlsDir: string, work: string, name: string, san: string): Promise<{ cert: string; key: string }> {
  const key = join(work, `${name}-key.pem`);
  const csr = join(work, `${name}.csr`);
  const cert = join(work, `${name}.pem`);
  const req = await run(openssl!, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-out', csr]);
  expect(req.status, req.out).toBe(0);
  const sign = await run(openssl!, ['x509', '-req', '-in', csr, '-CA', join(tlsDir, 'ca.pem'), '-CAkey', join(tlsDir, 'ca-key.pem'), '-days', '1', '-copy_extensions', 'copy', '-out', cert]);
  expect(sign.status, sign.out).toBe(0);
  return { cert, key };
}

describe.skipIf(!openssl)('the local CA, as openssl sees it', () => {
  it('is a name-constrained CA (critical, permitted topolab.test, localhost, 127.0.0.0/8, ::1) with pathLen 0, and its leaf lives 30 days', async () => {
    const dir = makeTempDir('tls-openssl');
    const material = await ensureTlsMaterial(dir);
    const ca = await run(openssl!, ['x509', '-in', material.caFile, '-noout', '-text']);
    expect(ca.status).toBe(0);
    expect(ca.out).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca.out).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ca.out).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:topolab\.test\s+DNS:localhost\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF\s/);
    const leaf = await run(openssl!, ['x509', '-in', material.certFile, '-noout', '-checkend', String(29 * 86_400)]);
    expect(leaf.status, 'valid for 29 more days').toBe(0);
    expect((await run(openssl!, ['x509', '-in', material.certFile, '-noout', '-checkend', String(31 * 86_400)])).status, 'not for 31').toBe(1);
  });

  it('openssl verify accepts the gateway certificate and any topolab.test name, and refuses evil.example or 10.0.0.1 signed by the same key (permitted subtree violation)', async () => {
    const dir = makeTempDir('tls-openssl');
    const material = await ensureTlsMaterial(dir);
    const tlsDir = join(dir, 'tls');
    const verify = (cert: string) => run(openssl!, ['verify', '-CAfile', material.caFile, cert]);
    expect((await verify(material.certFile)).out).toContain(': OK');
    const inZone = await signWithCaKey(tlsDir, dir, 'mail.topolab.test', 'DNS:mail.topolab.test,IP:127.0.2.9');
    expect((await verify(inZone.cert)).status).toBe(0);
    for (const [name, san] of [['evil.example', 'DNS:evil.example'], ['ip-literal', 'IP:10.0.0.1'], ['mixed', 'DNS:www.topolab.test,DNS:evil.example']] as const) {
      const outside = await verify((await signWithCaKey(tlsDir, dir, name, san)).cert);
      expect(outside.status, san).not.toBe(0);
      expect(outside.out, san).toContain('permitted subtree violation');
    }
  });

  it('Node\'s TLS client and curl refuse a server presenting a CA-signed evil.example certificate', async () => {
    const dir = makeTempDir('tls-openssl');
    const material = await ensureTlsMaterial(dir);
    const evil = await signWithCaKey(join(dir, 'tls'), dir, 'evil.example', 'DNS:evil.example');
    const server = createServer({ cert: readFileSync(evil.cert), key: readFileSync(evil.key) }, (_req, res) => res.end('impersonated\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const error = await new Promise<Error | undefined>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'evil.example', ca: material.ca, timeout: 10_000 });
      socket.once('secureConnect', () => {
        socket.end();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    expect(error?.message).toContain('permitted subtree violation');
    if (!curl) return;
    const fetched = await run(curl, ['-sS', '--max-time', '10', '--cacert', material.caFile, '--resolve', `evil.example:${port}:127.0.0.1`, `https://evil.example:${port}/`]);
    expect(fetched.status, fetched.out).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
    expect(fetched.out).not.toContain('impersonated');
  });
});

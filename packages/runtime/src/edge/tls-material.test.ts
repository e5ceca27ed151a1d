import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTlsMaterial } from './tls-material.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-tls-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ensureTlsMaterial', () => {
  it('issues a local CA and a gateway certificate for localhost, 127.0.0.1, ::1 and www.topolab.test (RFC 5280 extensions)', async () => {
    const dir = freshDir();
    const material = await ensureTlsMaterial(dir);
    expect(material.reused).toBe(false);
    const ca = new X509Certificate(readFileSync(material.caFile));
    const [leafPem] = readFileSync(material.certFile, 'utf8').split(/(?<=-----END CERTIFICATE-----)/);
    const leaf = new X509Certificate(leafPem!);
    expect(ca.ca).toBe(true);
    expect(ca.keyUsage).toBeUndefined(); // Node lists extended key usage only; the CA has none.
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.issuer).toBe(ca.subject);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    for (const name of ['localhost', 'www.topolab.test']) expect(leaf.checkHost(name)).toBe(name);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(material.keyFile)))).toBe(true);
    // The chain a server sends: the leaf, then the CA.
    expect(readFileSync(material.certFile, 'utf8')).toContain(readFileSync(material.caFile, 'utf8').trim());
    // Keys and certificates are the user's only (CWE-276), in a folder only the user can open.
    for (const file of [material.keyFile, join(dir, 'tls', 'ca-key.pem'), material.caFile, material.certFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tls')).mode & 0o777).toBe(0o700);
    expect(material.caFingerprint).toBe(ca.fingerprint256);
  });

  it('reuses the files while they are valid for longer than the renewal margin', async () => {
    const dir = freshDir();
    const first = await ensureTlsMaterial(dir);
    const again = await ensureTlsMaterial(dir);
    expect(again.reused).toBe(true);
    expect(again.caFingerprint).toBe(first.caFingerprint);
    expect(readFileSync(again.certFile, 'utf8')).toBe(readFileSync(first.certFile, 'utf8'));
  });

  it('re-issues the gateway certificate near its end with the same CA, and replaces a CA that is near its own end', async () => {
    const dir = freshDir();
    const first = await ensureTlsMaterial(dir);
    // A lab's certificate lives 30 days (not the CA/Browser Forum's 398): 10 days later it is kept, 24 days later it is not.
    expect(first.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    expect((await ensureTlsMaterial(dir, { now: new Date(Date.now() + 10 * 86_400_000) })).reused).toBe(true);
    const renewed = await ensureTlsMaterial(dir, { now: new Date(Date.now() + 24 * 86_400_000) });
    expect(renewed.reused).toBe(false);
    // The CA a user imported stays: only the leaf is new.
    expect(renewed.caFingerprint).toBe(first.caFingerprint);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
    // 340 days on, the CA has less left than a new certificate would need: a new CA.
    const late = await ensureTlsMaterial(dir, { now: new Date(Date.now() + 340 * 86_400_000) });
    expect(late.caFingerprint).not.toBe(first.caFingerprint);
    expect(late.notAfter.getTime()).toBeLessThanOrEqual(new Date(new X509Certificate(readFileSync(late.caFile)).validTo).getTime());
  });

  it('replaces a CA without the Name Constraints extension (one from before it) and files that do not match', async () => {
    const dir = freshDir();
    const first = await ensureTlsMaterial(dir);
    const caPem = readFileSync(first.caFile, 'utf8');
    // Flip the extension's critical flag in the DER: same CA otherwise, but no longer constrained as required.
    const der = Buffer.from(caPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from('0603551d1e0101ff', 'hex'));
    expect(at).toBeGreaterThan(0);
    der[at + 7] = 0x00;
    writeFileSync(first.caFile, `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`);
    const replaced = await ensureTlsMaterial(dir);
    expect(replaced.reused).toBe(false);
    expect(replaced.caFingerprint).not.toBe(first.caFingerprint);
    // A key that does not belong to the certificate (a half-written pair) is not used.
    writeFileSync(replaced.keyFile, readFileSync(join(dir, 'tls', 'ca-key.pem')));
    expect((await ensureTlsMaterial(dir)).reused).toBe(false);
  });
});

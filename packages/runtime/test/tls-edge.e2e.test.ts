import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, programFor } from './helpers.js';
import { startRealTopology, type RealTopology } from './real-topology.js';

/**
 * The real gateway's HTTPS edge seen by Debian's `openssl s_client` and `curl`, clients nobody
 * here wrote: Mozilla's "intermediate" profile (RFC 9325 §4.2: TLS 1.2 only with ECDHE and AEAD
 * suites, TLS 1.0/1.1 refused per RFC 8996) and HSTS (RFC 6797) only on the topology's name.
 * Skipped without openssl, unless TOPOLAB_REQUIRE_BACKENDS=1; the curl and testssl.sh checks
 * need those too (CI installs them).
 */
const openssl = programFor('openssl');
const curl = programFor('curl');
// Debian's testssl.sh (binary `testssl`): a scanner that tries every suite of every protocol.
const testssl = programFor('testssl');

/** What a handshake with `openssl s_client` gave: the suite agreed, or the alert the server sent. */
interface Handshake {
  readonly ok: boolean;
  readonly cipher: string | undefined;
  readonly out: string;
}

describe.skipIf(!openssl)('the gateway\'s TLS edge, as openssl and curl see it', () => {
  let real: RealTopology | undefined;
  let address = { host: '', port: 0 };
  let caFile = '';
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'tls-edge', tls: true });
    const url = new URL(real.topology.gatewayUrl);
    address = { host: url.hostname, port: Number(url.port) };
    caFile = real.topology.edge.tls!.caFile;
  });
  afterAll(() => real?.stop());

  // `@SECLEVEL=0` on the client: it offers whatever is asked, so a refusal can only be the gateway's.
  async function sClient(args: readonly string[]): Promise<Handshake> {
    const run = await execa(openssl!, ['s_client', '-connect', `${address.host}:${address.port}`, '-servername', 'www.topolab.test', '-CAfile', caFile, ...args], { reject: false, timeout: 30_000, input: '', all: true });
    const cipher = /Cipher is (\S+)/.exec(run.all)?.[1];
    return { ok: run.exitCode === 0 && cipher !== undefined && cipher !== '(NONE)' && run.all.includes('Verify return code: 0 (ok)'), cipher, out: run.all };
  }

  it('accepts ECDHE with AES-GCM or ChaCha20-Poly1305 on TLS 1.2, and TLS 1.3', async () => {
    for (const cipher of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305']) {
      const handshake = await sClient(['-tls1_2', '-cipher', cipher]);
      expect(handshake.ok, handshake.out).toBe(true);
      expect(handshake.cipher).toBe(cipher);
    }
    const modern = await sClient(['-tls1_3']);
    expect(modern.ok, modern.out).toBe(true);
    expect(modern.out).toContain('TLSv1.3');
  });

  it('refuses CBC and CCM8 suites on TLS 1.2 and CCM8 on TLS 1.3 with a handshake_failure alert (RFC 9325 §4.2)', async () => {
    for (const args of [
      ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA@SECLEVEL=0'], // CBC, HMAC-SHA1
      ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-SHA384@SECLEVEL=0'], // CBC, HMAC-SHA384
      ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-CCM8@SECLEVEL=0'], // CCM with an 8-byte tag
      ['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_8_SHA256'],
    ]) {
      const handshake = await sClient(args);
      expect(handshake.ok, args.join(' ')).toBe(false);
      expect(handshake.out, args.join(' ')).toContain('alert handshake failure');
    }
  });

  it('refuses TLS 1.1 and 1.0 with a protocol_version alert (RFC 8996)', async () => {
    for (const version of ['-tls1_1', '-tls1']) {
      const handshake = await sClient([version, '-cipher', 'DEFAULT@SECLEVEL=0']);
      expect(handshake.ok, version).toBe(false);
      expect(handshake.out, version).toContain('alert protocol version');
    }
  });

  describe.skipIf(!curl)('Strict-Transport-Security (RFC 6797)', () => {
    async function headers(url: string, extra: readonly string[] = []): Promise<string> {
      const run = await execa(curl!, ['-sS', '--max-time', '20', '-o', '/dev/null', '-D', '-', '--cacert', caFile, ...extra, url], { reject: false, timeout: 30_000 });
      expect(run.exitCode, run.stderr).toBe(0);
      return run.stdout.toLowerCase();
    }

    it('is sent for www.topolab.test (SNI and Host), with a short max-age and neither includeSubDomains nor preload', async () => {
      const answer = await headers(`https://www.topolab.test:${address.port}/health`, ['--resolve', `www.topolab.test:${address.port}:${address.host}`]);
      expect(answer).toMatch(/^http\/1\.1 200/);
      expect(answer).toContain('strict-transport-security: max-age=3600\r\n');
    });

    it('is not sent for localhost (HSTS holds for every port of a host, §8.3) nor an IP literal (§8.1.1)', async () => {
      for (const url of [`https://localhost:${address.port}/health`, `https://${address.host}:${address.port}/health`]) {
        const answer = await headers(url);
        expect(answer, url).toMatch(/^http\/1\.1 200/);
        expect(answer, url).not.toContain('strict-transport-security');
      }
    });

    it('is not sent on the plain-HTTP 308 redirect, even for www.topolab.test (§7.2)', async () => {
      const redirect = new URL(real!.topology.edge.redirectUrl!);
      const answer = await headers(`http://www.topolab.test:${redirect.port}/health`, ['--resolve', `www.topolab.test:${redirect.port}:${redirect.hostname}`]);
      expect(answer).toMatch(/^http\/1\.1 308/);
      expect(answer).toContain(`location: https://www.topolab.test:${address.port}/health`);
      expect(answer).not.toContain('strict-transport-security');
    });
  });

  // Every suite the scanner could negotiate, per protocol (`-E`), and which protocols answer (`-p`): offline, about a minute.
  it.skipIf(!testssl)('testssl.sh finds only TLS 1.2 and 1.3, and only ECDHE with AES-GCM or ChaCha20-Poly1305', async () => {
    const jsonFile = join(makeTempDir('testssl'), 'scan.json');
    const scan = await execa(testssl!, ['--quiet', '--color', '0', '--warnings', 'off', '-p', '-E', '--jsonfile', jsonFile, `${address.host}:${address.port}`], { reject: false, timeout: 280_000, all: true });
    expect(scan.exitCode, scan.all).toBe(0);
    const findings = JSON.parse(readFileSync(jsonFile, 'utf8')) as { id: string; finding: string }[];
    const finding = (id: string) => findings.find((entry) => entry.id === id)?.finding;
    for (const old of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) expect(finding(old), old).toMatch(/^not offered/);
    expect(finding('TLS1_2')).toMatch(/^offered/);
    expect(finding('TLS1_3')).toMatch(/^offered/);
    const suites = findings.filter((entry) => entry.id.startsWith('cipher-tls')).map((entry) => `${entry.id.slice('cipher-'.length, entry.id.lastIndexOf('_'))} ${entry.finding.split(/\s+/)[3]}`);
    expect(suites.sort()).toEqual([
      'tls1_2 ECDHE-ECDSA-AES128-GCM-SHA256',
      'tls1_2 ECDHE-ECDSA-AES256-GCM-SHA384',
      'tls1_2 ECDHE-ECDSA-CHACHA20-POLY1305',
      'tls1_3 TLS_AES_128_GCM_SHA256',
      'tls1_3 TLS_AES_256_GCM_SHA384',
      'tls1_3 TLS_CHACHA20_POLY1305_SHA256',
    ]);
  }, 300_000);
});

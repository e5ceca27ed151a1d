import { describe, expect, it } from 'vitest';
import { findProgram } from '@topolab/runtime';
import { backendsRequired } from '@topolab/test-support/programs';
import { runCli } from './run-cli.js';

describe('topolab demo', () => {
  it('registers, verifies by SMS, logs in with 2FA and uses profile and mail through the gateway, narrating each hop', async () => {
    const run = await runCli(['demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ 1\. register through the gateway\n\s+POST \/auth\/register 201\s+dns#1 \(www\.topolab\.test → 127\.0\.0\.1\) → gateway#1 @127\.0\.0\.1 → auth#1 @127\.0\.\d+\.\d+ → sms#1/);
    expect(run.stdout).toMatch(/✓ 6\. complete the login with the SMS code/);
    expect(run.stdout).toMatch(/GET \/profile\/me 200\s+(?:dns#1 \([^)]*\) → )?gateway#1(?: @[\d.]+)? → auth#1 @[\d.]+ → profile#\d @/);
    expect(run.stdout).toMatch(/✓ 11\. send a mail to yourself\n\s+POST \/mail\/send 201\s+(?:dns#1 \([^)]*\) → )?gateway#1(?: @[\d.]+)? → auth#1 @[\d.]+ → mail#1 @/);
    expect(run.stdout).toMatch(/✓ 12\. search your mail\n\s+GET \/mail\/search\?q=\S+ 200/);
    expect(run.stdout).toMatch(/✓ 14\. the spam folder caught it\n.*\n\s+spam: “Test of the spam filter”/);
    expect(run.stdout).toContain('is registered, verified and logged in with SMS 2FA, and has mail (14 steps)');
    // The narration never shows a one-time code.
    expect(run.stdout).not.toMatch(/code is \d{6}/);
  });
});

const realParts = Boolean(findProgram('redis-server') && findProgram('nginx'));
if (!realParts && backendsRequired()) throw new Error('redis-server and nginx are required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed');

describe.skipIf(!realParts)('topolab demo on the real parts', () => {
  it('runs the whole demo with Redis as global cache and bus and nginx as the lb, and the hops show them', async () => {
    const run = await runCli(['demo', '--cache', 'redis', '--bus', 'redis', '--lb', 'nginx', '--discovery', 'server', '--auth', 'global']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GET \/profile\/me 200\s+(?:dns#1 \([^)]*\) → )?gateway#1(?: @[\d.]+)? → redis#1 @127\.0\.11\.1 → nginx#1 @127\.0\.12\.1 → profile#\d @/);
    expect(run.stdout).toContain('is registered, verified and logged in with SMS 2FA, and has mail (14 steps)');
  });
});

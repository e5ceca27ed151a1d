import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('topolab demo', () => {
  it('registers, verifies by SMS and logs in with 2FA through the gateway, narrating each hop', async () => {
    const run = await runCli(['demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ 1\. register through the gateway\n\s+POST \/auth\/register 201\s+gateway#1 → auth#1 @127\.0\.\d+\.\d+ → sms#1/);
    expect(run.stdout).toMatch(/✓ 6\. complete the login with the SMS code/);
    expect(run.stdout).toMatch(/GET \/profile\/me 200\s+gateway#1 → auth#1 @[\d.]+ → profile#\d @/);
    expect(run.stdout).toContain('is registered, verified and logged in with SMS 2FA');
    // The narration never shows a one-time code.
    expect(run.stdout).not.toMatch(/code is \d{6}/);
  });
});

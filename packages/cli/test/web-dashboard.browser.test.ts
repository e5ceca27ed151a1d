import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findProgram } from '@topolab/runtime';
import { backendsRequired } from '@topolab/test-support/programs';
import { runCli, startCli } from './run-cli.js';

// The web dashboard in a real headless Chromium (Debian's `chromium`, which .ci/run installs),
// driven by playwright-core: no browser download, the system's own.
const chromium = findProgram('chromium') ?? findProgram('chromium-browser') ?? findProgram('google-chrome');
if (!chromium && backendsRequired()) throw new Error('chromium is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed: apt-get install chromium');

interface StatusJson {
  gatewayUrl: string;
  modes: { discovery: string; auth: string };
  instances: { id: string; pid: number; state: string }[];
}

async function status(dir: string): Promise<StatusJson> {
  const run = await runCli(['status', '--json', '--data-dir', dir]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
}

describe.skipIf(!chromium)('web dashboard in Chromium', () => {
  it('shows every instance, kills profile#2 and sees it evicted, switches the auth mode and sees it in force', async () => {
    const { chromium: browserType } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'topolab-web-'));
    const up = startCli(['up', '--port', '0', '--no-tls', '--data-dir', dir]);
    onTestFinished(async () => {
      up.child.kill('SIGKILL');
      await up.exited;
      rmSync(dir, { recursive: true, force: true });
    });
    await up.waitForOutput('all ready in');
    await up.waitForOutput('(single use; topolab dashboard prints a new one)');
    const link = /^web\s+(http:\/\/\S+\/dashboard\/\?ticket=\S+)/m.exec(up.output())?.[1];
    expect(link).toBeDefined();
    const before = await status(dir);

    const browser = await browserType.launch({ executablePath: chromium!, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    onTestFinished(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(link!);
    expect(new URL(page.url()).search).toBe('');

    // Every instance, grouped by service, ready.
    for (const instance of before.instances) {
      await page.locator(`[data-testid="instance-${instance.id}"][data-state="ready"]`).waitFor({ timeout: 10_000 });
    }
    await page.locator('[data-testid="service-profile"] [data-testid="instance-profile#2"]').waitFor();
    await expect(page.locator('[data-testid="modes-in-force"]').textContent()).resolves.toBe('discovery client · auth remote');

    // A request through the gateway appears in the list; selecting it draws its waterfall.
    await fetch(`${before.gatewayUrl}/profile/me`);
    await page.locator('[data-testid="request-row"]').first().click({ timeout: 10_000 });
    await page.locator('[data-testid="waterfall"]').getByText('gateway#1').first().waitFor({ timeout: 5_000 });

    // Kill profile#2 from its button: the registry evicts it, and the page says so.
    const profile2 = before.instances.find((instance) => instance.id === 'profile#2')!;
    await page.locator('[data-testid="fault-kill-profile#2"]').click();
    await page.locator('[data-testid="instance-profile#2"][data-registered="false"]').or(page.locator('[data-testid="instance-profile#2"][data-state="exited"]')).first().waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="event-log"]').getByText(/profile#2/).first().waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await status(dir)).instances.find((instance) => instance.id === 'profile#2')?.state, { timeout: 10_000 }).not.toBe('ready');
    expect(() => process.kill(profile2.pid, 0)).toThrow();

    // Switch the auth mode: every gateway takes it, and the page shows it in force.
    await page.locator('[data-testid="mode-auth"]').selectOption('local');
    await page.locator('[data-testid="modes-in-force"]', { hasText: 'discovery client · auth local' }).waitFor({ timeout: 10_000 });
    expect((await status(dir)).modes).toEqual({ discovery: 'client', auth: 'local' });

    // `export --running` writes the topology as it is now: the mode switched from the page, profile#2 (killed, not scaled away) still in it.
    const out = join(dir, 'export');
    const exported = await runCli(['export', 'compose', '--out', out, '--running', '--data-dir', dir]);
    expect(exported.code).toBe(0);
    const compose = readFileSync(join(out, 'compose.yaml'), 'utf8');
    expect(compose).toContain('TOPOLAB_AUTH_MODE: local');
    expect(compose).toMatch(/^  profile-2:$/m);
    expect(compose).not.toMatch(/^  dns-1:$/m);

    // The printed link worked once; `topolab dashboard` gives a new one that logs another browser in.
    const used = await browser.newPage();
    await used.goto(link!);
    await expect(used.locator('body').textContent()).resolves.toContain('used already or has expired');
    const fresh = await runCli(['dashboard', '--data-dir', dir]);
    expect(fresh.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard\/\?ticket=[A-Za-z0-9_-]{22}\n$/);
    await used.goto(fresh.stdout.trim());
    await used.locator('[data-testid="instance-profile#1"]').waitFor({ timeout: 10_000 });

    expect(failures).toEqual([]);
  }, 90_000);
});

import { render } from 'ink-testing-library';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRunStore } from '../reporters/run-store.js';
import { RunView } from './RunView.js';

const modes = { discovery: 'client', auth: 'remote' } as const;

describe('RunView', () => {
  it('shows finished steps above and the running step live, then figures and totals', async () => {
    const store = createRunStore();
    const view = render(<RunView store={store} tickMs={10} />);
    onTestFinished(() => view.unmount());
    store.apply({ type: 'run.start', total: 1, parallel: 1 });
    store.apply({ type: 'scenario.start', name: 'login-2fa', summary: 'Log in with SMS.', modes });
    await expect.poll(() => view.lastFrame()).toContain('login-2fa client/remote · starting the topology');
    store.apply({ type: 'scenario.ready', name: 'login-2fa', modes, readyMs: 812, dataDir: '/tmp/x' });
    store.apply({ type: 'step.start', scenario: 'login-2fa', modes, title: 'log in with the password', depth: 0 });
    await expect.poll(() => view.lastFrame()).toContain('login-2fa client/remote · log in with the password');
    store.apply({
      type: 'step.end',
      scenario: 'login-2fa',
      modes,
      title: 'log in with the password',
      depth: 0,
      ok: true,
      durationMs: 40,
      notes: [],
      requests: [{ method: 'POST', path: '/auth/login', status: 202, durationMs: 38.2, hops: [{ service: 'gateway', instanceId: 'gateway#1', address: '127.0.0.1:1', name: 'POST /auth/login', durationMs: 38, status: 202, attributes: {} }] }],
    });
    const end = { name: 'login-2fa', summary: 'Log in with SMS.', modes, status: 'passed' as const, ok: true, durationMs: 1500, steps: [], figures: [{ name: 'login', value: 38, unit: 'ms' }], notes: [] };
    store.apply({ type: 'scenario.end', ...end });
    store.finish({ ok: true, passed: 1, failed: 0, skipped: 0, durationMs: 1600, startedAt: new Date().toISOString(), scenarios: [end] });
    await expect.poll(() => view.frames.join('\n')).toContain('1 passed · 0 failed in 1.6 s');
    const frame = view.frames.join('\n');
    expect(frame).toContain('✓ log in with the password  gateway#1  38 ms');
    expect(frame).toContain('✓ login-2fa  client/remote  passed in 1.5 s');
    expect(frame).toMatch(/login-2fa\s+client\/remote\s+login\s+38 ms/);
    expect(frame).toContain('1 passed · 0 failed in 1.6 s');
    expect(view.lastFrame()).not.toMatch(/client\/remote · /);
  });
});

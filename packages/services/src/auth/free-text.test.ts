import { describe, expect, it } from 'vitest';
import { alice, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

// firstName is single-line free text (kit/http/free-text.ts): it goes into every SMS, so no
// control character (NUL, ESC, CR, LF...) may get stored, at registration or later.
const refusedNames: [string, string][] = [
  ['a NUL', 'Ali\u0000ce'],
  ['an ESC', '\u001b[2JAlice'],
  ['a newline', 'Alice\nCall +447700900999'],
  ['a C1 control', 'Alice\u009b'],
  ['a bidi override', 'Alice\u202e'],
];

describe('firstName free text', () => {
  it.each(refusedNames)('refuses %s at registration with 400 HTTP_VALIDATION_FAILED, stores nothing and sends no SMS', async (_what, firstName) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', { ...alice, firstName });
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    expect(res.body.error.details).toEqual([{ path: 'body.firstName', message: expect.stringMatching(/^must not contain (control characters|bidirectional controls)/) }]);
    expect(res.text).not.toContain('Ali');
    expect(auth.sms.sent).toEqual([]);
    expect((await auth.request('POST', '/auth/login', { username: alice.username, password: alice.password })).status).not.toBe(202);
  });

  it.each(refusedNames)('refuses %s at PATCH /auth/me, so the next SMS still names the stored name', async (_what, firstName) => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('PATCH', '/auth/me', { firstName }, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    expect(res.body.error.details).toEqual([{ path: 'body.firstName', message: expect.stringMatching(/^must not contain/) }]);
    expect(auth.store.userById(userId)?.firstName).toBe('Alice');
    expect(auth.store.events.page(0, 10).latestSeq).toBe(0);

    expect((await auth.request('POST', '/auth/login', { username: alice.username, password: alice.password })).status).toBe(202);
    expect(auth.sms.sent.at(-1)?.fields.firstName).toBe('Alice');
  });

  it('still trims surrounding spaces and accepts any script', async () => {
    const auth = await start();
    const userId = await registerVerified(auth, { ...alice, firstName: '  Zoë ' });
    expect(auth.store.userById(userId)?.firstName).toBe('Zoë');
    const res = await auth.request('PATCH', '/auth/me', { firstName: 'محمد' }, await auth.asUser(userId));
    expect([res.status, res.body.firstName]).toEqual([200, 'محمد']);
  });
});

import { describe, expect, it } from 'vitest';
import { testServiceHeaders } from '#test-support/kit-service-auth.js';
import { startTestMail, testUsers, type TestMail } from '#test-support/mail.js';
import { asUser } from '#test-support/kit-identity.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestMail> {
  return closeAfterTest(startTestMail());
}

const inbox = (mail: TestMail, query: string, headers: Record<string, string>) => fetch(`${mail.url}/mail/internal/inbox?${query}`, { headers });

describe('GET /mail/internal/inbox', () => {
  it('lists a user’s inbox newest first, each from with the sender’s userId, for a token with mail.read', async () => {
    const mail = await start();
    expect((await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: 'one', body: 'x' }, 'ada')).status).toBe(201);
    expect((await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: 'two', body: 'x' }, 'cy')).status).toBe(201);
    const res = await inbox(mail, `userId=${testUsers.bob.userId}&limit=10`, testServiceHeaders('graphql#1', 'mail', ['mail.read']));
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { subject: string; from: { address: string; userId?: string } }[] };
    expect(messages.map((m) => [m.subject, m.from.userId])).toEqual([
      ['two', testUsers.cy.userId],
      ['one', testUsers.ada.userId],
    ]);
  });

  it('shows the sender’s userId in the public listing too, and none on the system’s own messages', async () => {
    const mail = await start();
    expect((await mail.request('POST', '/mail/send', { to: ['bob@topolab.test', 'nobody@topolab.test'], subject: 'hi', body: 'x' }, 'ada')).status).toBe(201);
    const bobs = (await mail.request('GET', '/mail/mailboxes/inbox', undefined, 'bob')).body.messages;
    expect(bobs[0].from).toEqual({ address: 'ada@topolab.test', name: 'Ada', userId: testUsers.ada.userId });
    const bounce = (await mail.request('GET', '/mail/mailboxes/inbox', undefined, 'ada')).body.messages[0];
    expect([bounce.kind, bounce.from.userId]).toEqual(['bounce', undefined]);
  });

  it('refuses a call without a service token (401), with another scope (403), and a bad query (400)', async () => {
    const mail = await start();
    // A user's identity is no service token either.
    const missing = await inbox(mail, `userId=${testUsers.bob.userId}`, await asUser(testUsers.bob.userId, 'mail'));
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([401, 'HTTP_SERVICE_TOKEN_MISSING']);
    const wrongScope = await inbox(mail, `userId=${testUsers.bob.userId}`, testServiceHeaders('mail#1', 'mail', ['mail.events']));
    expect([wrongScope.status, ((await wrongScope.json()) as { error: { code: string } }).error.code]).toEqual([403, 'HTTP_SERVICE_SCOPE_MISSING']);
    const tooMany = await inbox(mail, `userId=${testUsers.bob.userId}&limit=500`, testServiceHeaders('graphql#1', 'mail', ['mail.read']));
    expect(tooMany.status).toBe(400);
  });
});

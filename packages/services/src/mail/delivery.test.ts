import { describe, expect, it } from 'vitest';
import { startTestMail, type TestMail } from '#test-support/mail.js';
import { asUser } from '#test-support/kit-identity.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestMail> {
  return closeAfterTest(startTestMail());
}

const inboxOf = async (mail: TestMail, user: string, mailbox = 'inbox') => (await mail.request('GET', `/mail/mailboxes/${mailbox}`, undefined, user)).body.messages as { id: number; subject: string; kind: string; to: string[]; cc: string[] }[];

describe('delivery', () => {
  it('delivers to every recipient inbox and keeps a read copy in the sender\'s sent', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', cc: ['CY@topolab.test'], subject: 'Lunch', body: 'Noon?' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ delivered: 2, bounced: [], quarantined: false });
    const [ada] = await inboxOf(mail, 'ada', 'sent');
    expect(ada).toMatchObject({ id: sent.body.id, subject: 'Lunch', to: ['bob@topolab.test'], cc: ['cy@topolab.test'], read: true });
    for (const user of ['bob', 'cy']) {
      const [message] = await inboxOf(mail, user);
      expect(message).toMatchObject({ subject: 'Lunch', from: { address: 'ada@topolab.test', name: 'Ada' }, read: false, kind: 'mail' });
    }
    expect(mail.recorded.events().filter((e) => e.name === 'mail.delivered').map((e) => e.data.mailbox)).toEqual(['inbox', 'inbox']);
  });

  it('never shows bcc to anybody but the sender', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: ['bob@topolab.test'], bcc: ['cy@topolab.test'], subject: 'Surprise', body: 'Party on Friday' });
    expect(sent.body.delivered).toBe(2);
    const own = await mail.request('GET', `/mail/messages/${sent.body.id}`);
    expect(own.body.message.bcc).toEqual(['cy@topolab.test']);
    for (const user of ['bob', 'cy']) {
      const [summary] = await inboxOf(mail, user);
      const detail = await mail.request('GET', `/mail/messages/${summary!.id}`, undefined, user);
      expect(detail.body.message.bcc).toBeUndefined();
      if (user === 'bob') expect(JSON.stringify(detail.body)).not.toContain('cy@topolab.test');
      const searched = await mail.request('GET', '/mail/search?q=to:cy', undefined, user);
      expect(searched.body.messages).toEqual([]);
    }
    expect((await mail.request('GET', '/mail/search?q=to:cy in:sent')).body.messages.map((m: { id: number }) => m.id)).toEqual([sent.body.id]);
  });

  it('bounces unknown users, unverified users and other domains back to the sender, delivering the rest', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: ['bob@topolab.test', 'ghost@topolab.test', 'carol@topolab.test', 'x@example.com'], subject: 'Hello', body: 'Hi all' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ delivered: 1, bounced: ['x@example.com', 'ghost@topolab.test', 'carol@topolab.test'] });
    const [bounce] = await inboxOf(mail, 'ada');
    expect(bounce).toMatchObject({ id: sent.body.bounceId, kind: 'bounce', subject: 'Undeliverable: Hello', from: { address: 'mailer-daemon@topolab.test' } });
    const detail = (await mail.request('GET', `/mail/messages/${bounce!.id}`)).body.message;
    for (const address of sent.body.bounced) expect(detail.body).toContain(address);
    expect(await inboxOf(mail, 'bob')).toHaveLength(1);
    expect(mail.recorded.events().find((e) => e.name === 'mail.bounced')?.data).toEqual({ messageId: sent.body.id, bounceId: sent.body.bounceId, recipients: 3 });
  });

  it('keeps the sent copy and a bounce when nobody could be reached', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: 'ghost@topolab.test', subject: 'Anyone?', body: '...' });
    expect(sent.body).toMatchObject({ delivered: 0, bounced: ['ghost@topolab.test'], quarantined: false });
    expect((await inboxOf(mail, 'ada')).map((m) => m.kind)).toEqual(['bounce']);
    expect(await inboxOf(mail, 'ada', 'sent')).toHaveLength(1);
  });

  it('expands a group (and a contact name) to addresses in the same role', async () => {
    const mail = await start();
    const bob = (await mail.request('POST', '/mail/contacts', { name: 'Bob', address: 'bob@topolab.test' })).body.contact;
    await mail.request('POST', '/mail/contacts', { name: 'Cy', address: 'cy@topolab.test' });
    const group = await mail.request('POST', '/mail/groups', { name: 'Team', members: [bob.id, 'cy'] });
    expect(group.status).toBe(201);
    const sent = await mail.request('POST', '/mail/send', { to: ['team'], cc: 'Bob', subject: 'Standup', body: 'At 10' });
    expect(sent.body.delivered).toBe(2);
    const [copy] = await inboxOf(mail, 'cy');
    expect(copy).toMatchObject({ to: ['bob@topolab.test', 'cy@topolab.test'], cc: [] });
    const hidden = await mail.request('POST', '/mail/send', { to: 'ada@topolab.test', bcc: 'team', subject: 'Quiet', body: 'shh' });
    expect(hidden.body.delivered).toBe(3);
    expect((await inboxOf(mail, 'bob'))[0]).toMatchObject({ subject: 'Quiet', to: ['ada@topolab.test'], cc: [] });
  });

  it('refuses unknown names, invalid addresses and empty groups with 400 and sends nothing', async () => {
    const mail = await start();
    await mail.request('POST', '/mail/groups', { name: 'Nobody', members: [] });
    const unknown = await mail.request('POST', '/mail/send', { to: ['bob@topolab.test', 'friends'], cc: ['Ghost'], body: 'x' });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'MAIL_RECIPIENT_UNKNOWN']);
    expect(unknown.body.error.details).toEqual([
      { path: 'body.to.1', message: 'no contact or group named "friends"' },
      { path: 'body.cc.0', message: 'no contact or group named "Ghost"' },
    ]);
    const invalid = await mail.request('POST', '/mail/send', { to: ['bob@@topolab.test', '@topolab.test', 'bob@'], body: 'x' });
    expect([invalid.status, invalid.body.error.code, invalid.body.error.details.length]).toEqual([400, 'MAIL_RECIPIENT_INVALID', 3]);
    const empty = await mail.request('POST', '/mail/send', { to: 'nobody', body: 'x' });
    expect([empty.status, empty.body.error.code]).toEqual([400, 'MAIL_RECIPIENTS_EMPTY']);
    const none = await mail.request('POST', '/mail/send', { to: [], body: 'x' });
    expect([none.status, none.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    expect(await inboxOf(mail, 'bob')).toEqual([]);
    expect(await inboxOf(mail, 'ada', 'sent')).toEqual([]);
  });

  it('quarantines infected mail for every recipient, never in an inbox, and notifies the sender', async () => {
    const mail = await start();
    const data = Buffer.from('this carries a VIRUS').toString('base64');
    const sent = await mail.request('POST', '/mail/send', { to: ['bob@topolab.test', 'cy@topolab.test'], subject: 'Invoice', body: 'See attached', attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', data }] });
    expect(sent.body).toMatchObject({ delivered: 2, quarantined: true });
    for (const user of ['bob', 'cy']) {
      expect(await inboxOf(mail, user)).toEqual([]);
      const [held] = await inboxOf(mail, user, 'quarantine');
      const detail = (await mail.request('GET', `/mail/messages/${held!.id}`, undefined, user)).body.message;
      expect(detail.virus).toEqual({ infected: true, reasons: ['fake: VIRUS'] });
      const download = await mail.request('GET', `/mail/messages/${held!.id}/attachments/0`, undefined, user);
      expect([download.status, download.body.error.code]).toEqual([409, 'MAIL_QUARANTINED']);
      const move = await mail.request('POST', `/mail/messages/${held!.id}/move`, { mailbox: 'inbox' }, user);
      expect([move.status, move.body.error.code]).toEqual([409, 'MAIL_MOVE_FORBIDDEN']);
    }
    const [notice] = await inboxOf(mail, 'ada');
    expect(notice).toMatchObject({ kind: 'notice', subject: 'Quarantined: Invoice' });
    expect(mail.recorded.events().filter((e) => e.name === 'mail.quarantined')).toEqual([{ name: 'mail.quarantined', data: { messageId: sent.body.id, recipients: 2 } }]);
    expect(mail.recorded.events().some((e) => e.name === 'mail.delivered')).toBe(false);
  });

  it('files spam in the spam mailbox with its score and reasons, scored per recipient', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: ['bob@topolab.test', 'cy@topolab.test'], subject: 'SPAMWORD deal', body: 'Buy now' });
    expect(sent.body.delivered).toBe(2);
    expect(mail.filters.scored.map((m) => m.userId).sort()).toEqual(['u-bob', 'u-cy']);
    expect(mail.filters.scored[0]).toMatchObject({ from: '"Ada" <ada@topolab.test>', subject: 'SPAMWORD deal', attachments: [] });
    const [held] = await inboxOf(mail, 'bob', 'spam');
    const detail = (await mail.request('GET', `/mail/messages/${held!.id}`, undefined, 'bob')).body.message;
    expect(detail.spam).toEqual({ score: 0.99, spam: true, reasons: ['fake: SPAMWORD'] });
    expect(await inboxOf(mail, 'bob')).toEqual([]);
    const clean = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: 'Hi', body: 'Hello' });
    const ok = (await mail.request('GET', `/mail/messages/${(await inboxOf(mail, 'bob'))[0]!.id}`, undefined, 'bob')).body.message;
    expect([clean.status, ok.spam]).toEqual([201, { score: 0.05, spam: false, reasons: [] }]);
  });

  it('answers 503 MAIL_AUTH_UNAVAILABLE when users cannot be looked up, and stores nothing', async () => {
    const mail = await start();
    mail.directory.failing = true;
    const sent = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x' });
    expect([sent.status, sent.body.error.code]).toEqual([503, 'MAIL_AUTH_UNAVAILABLE']);
    mail.directory.failing = false;
    expect(await inboxOf(mail, 'ada', 'sent')).toEqual([]);
  });

  it('answers 403 MAIL_SENDER_UNKNOWN for a sender without a verified account', async () => {
    const mail = await start();
    const sent = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x' }, 'carol');
    expect([sent.status, sent.body.error.code]).toEqual([403, 'MAIL_SENDER_UNKNOWN']);
  });

  it('stores attachments and serves their bytes as opaque downloads', async () => {
    const mail = await start();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const sent = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x', attachments: [{ filename: 'data ü.bin', contentType: 'text/html', data: bytes.toString('base64') }] });
    const [copy] = await inboxOf(mail, 'bob');
    const res = await fetch(`${mail.url}/mail/messages/${copy!.id}/attachments/0`, { headers: await asUser('u-bob', 'mail') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-attachment-content-type')).toBe('text/html');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const missing = await mail.request('GET', `/mail/messages/${copy!.id}/attachments/3`, undefined, 'bob');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'MAIL_ATTACHMENT_NOT_FOUND']);
    const stranger = await mail.request('GET', `/mail/messages/${sent.body.id}/attachments/0`, undefined, 'bob');
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'MAIL_MESSAGE_NOT_FOUND']);
  });
});

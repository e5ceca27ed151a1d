import { describe, expect, it } from 'vitest';
import { mailRouteSpecs } from './app.js';
import { mailErrors } from './errors.js';
import { startTestMail, type TestMail } from '#test-support/mail.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestMail> {
  return closeAfterTest(startTestMail());
}

/** Sends `n` messages ada → bob with subjects m0..m(n-1); answers bob's inbox ids newest first. */
async function fill(mail: TestMail, n: number, body = 'hello'): Promise<number[]> {
  for (let i = 0; i < n; i++) expect((await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: `m${i}`, body })).status).toBe(201);
  return (await mail.request('GET', '/mail/mailboxes/inbox?limit=100', undefined, 'bob')).body.messages.map((m: { id: number }) => m.id);
}

describe('mail service', () => {
  it('registers /mail as protected, /mail/send with a 10 MiB body limit and /mail/internal as internal', () => {
    expect(mailRouteSpecs).toEqual([
      { prefix: '/mail', access: 'protected' },
      { prefix: '/mail/send', access: 'protected', bodyLimit: 10 * 1024 * 1024 },
      { prefix: '/mail/internal', access: 'internal' },
    ]);
  });

  it('declares every error code as MAIL_REASON', () => {
    for (const code of Object.keys(mailErrors.definitions)) expect(code).toMatch(/^MAIL_[A-Z_]+$/);
  });

  it('answers /health, and 401 HTTP_IDENTITY_UNVERIFIED without the gateway\'s user', async () => {
    const mail = await start();
    expect((await mail.request('GET', '/health', undefined, null)).status).toBe(200);
    for (const [method, path] of [['GET', '/mail/mailboxes'], ['POST', '/mail/send'], ['GET', '/mail/search?q=x'], ['GET', '/mail/contacts']] as const) {
      const res = await mail.request(method, path, method === 'POST' ? { to: 'bob@topolab.test', body: 'x' } : undefined, null);
      expect([res.status, res.body.error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
    }
  });
});

describe('mailboxes', () => {
  it('pages newest first with an opaque cursor, and counts total and unread', async () => {
    const mail = await start();
    const ids = await fill(mail, 7);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await mail.request('GET', `/mail/mailboxes/inbox?limit=3${cursor ? `&cursor=${cursor}` : ''}`, undefined, 'bob');
      expect(res.status).toBe(200);
      seen.push(...res.body.messages.map((m: { id: number }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const boxes = (await mail.request('GET', '/mail/mailboxes', undefined, 'bob')).body.mailboxes;
    expect(boxes).toEqual([
      { name: 'inbox', total: 7, unread: 7 },
      { name: 'sent', total: 0, unread: 0 },
      { name: 'spam', total: 0, unread: 0 },
      { name: 'trash', total: 0, unread: 0 },
      { name: 'quarantine', total: 0, unread: 0 },
    ]);
  });

  it('refuses a cursor of another listing, a forged one, an unknown mailbox and a bad limit', async () => {
    const mail = await start();
    await fill(mail, 3);
    const page = (await mail.request('GET', '/mail/mailboxes/inbox?limit=1', undefined, 'bob')).body;
    const elsewhere = await mail.request('GET', `/mail/mailboxes/trash?cursor=${page.nextCursor}`, undefined, 'bob');
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([400, 'MAIL_CURSOR_INVALID']);
    for (const cursor of ['nonsense', Buffer.from('{"i":-1,"k":"x"}').toString('base64url')]) {
      const res = await mail.request('GET', `/mail/mailboxes/inbox?cursor=${cursor}`, undefined, 'bob');
      expect([res.status, res.body.error.code]).toEqual([400, 'MAIL_CURSOR_INVALID']);
    }
    const unknown = await mail.request('GET', '/mail/mailboxes/archive', undefined, 'bob');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'MAIL_MAILBOX_UNKNOWN']);
    for (const limit of ['0', '101', 'ten']) {
      const res = await mail.request('GET', `/mail/mailboxes/inbox?limit=${limit}`, undefined, 'bob');
      expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    }
  });
});

describe('messages', () => {
  it('marks read and unread, moves, deletes to trash and then for good', async () => {
    const mail = await start();
    const [id] = await fill(mail, 1);
    expect((await mail.request('POST', `/mail/messages/${id}/read`, undefined, 'bob')).body).toEqual({ id, read: true });
    expect((await mail.request('GET', `/mail/messages/${id}`, undefined, 'bob')).body.message.read).toBe(true);
    expect((await mail.request('POST', `/mail/messages/${id}/unread`, undefined, 'bob')).body.read).toBe(false);
    expect((await mail.request('POST', `/mail/messages/${id}/move`, { mailbox: 'sent' }, 'bob')).body).toEqual({ id, mailbox: 'sent' });
    const badMove = await mail.request('POST', `/mail/messages/${id}/move`, { mailbox: 'quarantine' }, 'bob');
    expect([badMove.status, badMove.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    expect((await mail.request('DELETE', `/mail/messages/${id}`, undefined, 'bob')).body).toEqual({ id, mailbox: 'trash', deleted: false });
    expect((await mail.request('GET', '/mail/mailboxes/trash', undefined, 'bob')).body.messages.map((m: { id: number }) => m.id)).toEqual([id]);
    expect((await mail.request('DELETE', `/mail/messages/${id}`, undefined, 'bob')).body).toEqual({ id, deleted: true });
    const gone = await mail.request('GET', `/mail/messages/${id}`, undefined, 'bob');
    expect([gone.status, gone.body.error.code]).toEqual([404, 'MAIL_MESSAGE_NOT_FOUND']);
    expect((await mail.request('GET', '/mail/search?q=hello', undefined, 'bob')).body.messages).toEqual([]);
  });

  it('marks spam and not spam: moves the message and teaches the user\'s own model', async () => {
    const mail = await start();
    const [id] = await fill(mail, 1, 'cheap watches');
    expect((await mail.request('POST', `/mail/messages/${id}/spam`, undefined, 'bob')).body).toEqual({ id, mailbox: 'spam' });
    expect((await mail.request('GET', `/mail/messages/${id}`, undefined, 'bob')).body.message.mailbox).toBe('spam');
    expect((await mail.request('POST', `/mail/messages/${id}/not-spam`, undefined, 'bob')).body).toEqual({ id, mailbox: 'inbox' });
    expect(mail.filters.learned.map(({ userId, label, message }) => [userId, label, message.body, message.from])).toEqual([
      ['u-bob', 'spam', 'cheap watches', '"Ada" <ada@topolab.test>'],
      ['u-bob', 'ham', 'cheap watches', '"Ada" <ada@topolab.test>'],
    ]);
  });

  it('answers 404 MAIL_MESSAGE_NOT_FOUND, never 403, for another user\'s message id on every route', async () => {
    const mail = await start();
    const [bobs] = await fill(mail, 1);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/mail/messages/${bobs}`],
      ['GET', `/mail/messages/${bobs}/attachments/0`],
      ['POST', `/mail/messages/${bobs}/read`],
      ['POST', `/mail/messages/${bobs}/unread`],
      ['POST', `/mail/messages/${bobs}/move`, { mailbox: 'trash' }],
      ['POST', `/mail/messages/${bobs}/spam`],
      ['POST', `/mail/messages/${bobs}/not-spam`],
      ['DELETE', `/mail/messages/${bobs}`],
      ['GET', '/mail/messages/999999999999'],
      ['GET', '/mail/messages/abc'],
      ['GET', '/mail/messages/99999999999999999999'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await mail.request(method, path, body, 'cy');
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'MAIL_MESSAGE_NOT_FOUND']);
    }
    const still = (await mail.request('GET', `/mail/messages/${bobs}`, undefined, 'bob')).body.message;
    expect(still).toMatchObject({ mailbox: 'inbox', read: false });
    expect(mail.filters.learned).toEqual([]);
  });
});

describe('search', () => {
  it('finds the user\'s own mail, ranked, paged with a cursor tied to the query', async () => {
    const mail = await start();
    await fill(mail, 5, 'quarterly numbers');
    await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: 'quarterly', body: 'quarterly quarterly' });
    await mail.request('POST', '/mail/send', { to: 'ada@topolab.test', subject: 'quarterly', body: 'for ada only' }, 'cy');
    const first = await mail.request('GET', '/mail/search?q=quarterly&limit=4', undefined, 'bob');
    expect(first.status).toBe(200);
    expect(first.body.messages[0]).toMatchObject({ subject: 'quarterly' });
    expect(first.body.messages.every((m: { score: number }) => typeof m.score === 'number')).toBe(true);
    const second = await mail.request('GET', `/mail/search?q=quarterly&limit=4&cursor=${first.body.nextCursor}`, undefined, 'bob');
    expect(second.body).toMatchObject({ nextCursor: null, truncated: false });
    expect([...first.body.messages, ...second.body.messages]).toHaveLength(6);
    const replayed = await mail.request('GET', `/mail/search?q=numbers&cursor=${first.body.nextCursor}`, undefined, 'bob');
    expect([replayed.status, replayed.body.error.code]).toEqual([400, 'MAIL_CURSOR_INVALID']);
    expect((await mail.request('GET', '/mail/search?q=quarterly', undefined, 'nobody')).body).toEqual({ messages: [], nextCursor: null, truncated: false });
  });

  it.each([
    ['"unterminated phrase', 'unterminated quote at position 0'],
    ['from: ada', 'from: needs a value at position 0'],
    ['report before:2024-02-31', 'before: expects a date as YYYY-MM-DD at position 14'],
    ['report - draft', 'nothing to negate after - at position 7'],
    ['', 'empty query at position 0'],
  ])('answers 400 MAIL_QUERY_INVALID for %j with the position, never an SQLite error', async (q, message) => {
    const mail = await start();
    const res = await mail.request('GET', `/mail/search?q=${encodeURIComponent(q)}`, undefined, 'bob');
    expect([res.status, res.body.error.code]).toEqual([400, 'MAIL_QUERY_INVALID']);
    expect(res.body.error.details).toEqual([{ path: 'query.q', message }]);
    expect(JSON.stringify(res.body)).not.toMatch(/sqlite|fts5/i);
  });

  it('needs q', async () => {
    const mail = await start();
    const res = await mail.request('GET', '/mail/search', undefined, 'bob');
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });
});

describe('contacts and groups', () => {
  it('does contact CRUD for the user only, with validation and one namespace with groups', async () => {
    const mail = await start();
    const created = await mail.request('POST', '/mail/contacts', { name: 'Bob', address: 'BOB@topolab.test', phone: '+447700900456' });
    expect(created.status).toBe(201);
    const { id } = created.body.contact;
    expect(created.body.contact).toMatchObject({ name: 'Bob', address: 'bob@topolab.test', phone: '+447700900456' });
    expect((await mail.request('GET', `/mail/contacts/${id}`)).body.contact.name).toBe('Bob');
    expect((await mail.request('GET', `/mail/contacts/${id}`, undefined, 'cy')).status).toBe(404);
    expect((await mail.request('GET', '/mail/contacts', undefined, 'cy')).body.contacts).toEqual([]);
    expect((await mail.request('PATCH', `/mail/contacts/${id}`, { phone: null })).body.contact.phone).toBeNull();
    const taken = await mail.request('POST', '/mail/groups', { name: 'bob', members: [] });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'MAIL_NAME_TAKEN']);
    for (const body of [{ name: 'x@y', address: 'x@topolab.test' }, { name: 'X', address: 'not-an-address' }, { name: 'X', address: 'x@topolab.test', phone: '0123' }, { name: '', address: 'x@topolab.test' }, { name: 'X', address: 'x@topolab.test', extra: 1 }]) {
      const res = await mail.request('POST', '/mail/contacts', body);
      expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    }
    expect((await mail.request('PATCH', `/mail/contacts/${id}`, {})).status).toBe(400);
    expect((await mail.request('DELETE', `/mail/contacts/${id}`, undefined, 'cy')).status).toBe(404);
    expect((await mail.request('DELETE', `/mail/contacts/${id}`)).status).toBe(204);
    expect((await mail.request('GET', `/mail/contacts/${id}`)).body.error.code).toBe('MAIL_CONTACT_NOT_FOUND');
  });

  it('does group CRUD with members by id or name, refusing unknown and other users\' contacts', async () => {
    const mail = await start();
    const bob = (await mail.request('POST', '/mail/contacts', { name: 'Bob', address: 'bob@topolab.test' })).body.contact;
    const cy = (await mail.request('POST', '/mail/contacts', { name: 'Cy', address: 'cy@topolab.test' })).body.contact;
    const cysOwn = (await mail.request('POST', '/mail/contacts', { name: 'Zed', address: 'zed@topolab.test' }, 'cy')).body.contact;
    const refused = await mail.request('POST', '/mail/groups', { name: 'Team', members: [bob.id, 'nobody', cysOwn.id] });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'MAIL_MEMBER_UNKNOWN']);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.members.1', 'body.members.2']);
    const group = (await mail.request('POST', '/mail/groups', { name: 'Team', members: [bob.id, 'CY', bob.id] })).body.group;
    expect(group.members).toEqual([{ id: bob.id, name: 'Bob', address: 'bob@topolab.test' }, { id: cy.id, name: 'Cy', address: 'cy@topolab.test' }]);
    expect((await mail.request('GET', `/mail/groups/${group.id}`, undefined, 'cy')).body.error.code).toBe('MAIL_GROUP_NOT_FOUND');
    expect((await mail.request('PATCH', `/mail/groups/${group.id}`, { members: ['Cy'] })).body.group.members.map((m: { name: string }) => m.name)).toEqual(['Cy']);
    await mail.request('DELETE', `/mail/contacts/${cy.id}`);
    expect((await mail.request('GET', '/mail/groups')).body.groups).toMatchObject([{ name: 'Team', members: [] }]);
    const sent = await mail.request('POST', '/mail/send', { to: 'team', body: 'x' });
    expect([sent.status, sent.body.error.code]).toEqual([400, 'MAIL_RECIPIENTS_EMPTY']);
    expect((await mail.request('DELETE', `/mail/groups/${group.id}`)).status).toBe(204);
    expect((await mail.request('DELETE', `/mail/groups/${group.id}`)).body.error.code).toBe('MAIL_GROUP_NOT_FOUND');
  });
});

describe('body limits', () => {
  it('accepts a send up to 10 MiB, refuses more with 413, and keeps 1 MiB on other routes', async () => {
    const mail = await start();
    const attachment = (bytes: number) => ({ filename: 'big.bin', contentType: 'application/octet-stream', data: Buffer.alloc(bytes, 7).toString('base64') });
    const big = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x', attachments: [attachment(6 * 1024 * 1024)] });
    expect(big.status).toBe(201);
    const [copy] = (await mail.request('GET', '/mail/mailboxes/inbox', undefined, 'bob')).body.messages;
    expect((await mail.request('GET', `/mail/messages/${copy.id}`, undefined, 'bob')).body.message.attachments[0].size).toBe(6 * 1024 * 1024);
    const over = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x', attachments: [attachment(8 * 1024 * 1024)] });
    expect([over.status, over.body.error.code]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
    const contact = await mail.request('POST', '/mail/contacts', { name: 'x'.repeat(2 * 1024 * 1024), address: 'x@topolab.test' });
    expect([contact.status, contact.body.error.code]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
    const badData = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body: 'x', attachments: [{ filename: 'a', contentType: 'text/plain', data: 'not base64!' }] });
    expect([badData.status, badData.body.error.details[0].path]).toEqual([400, 'body.attachments.0.data']);
  });
});

// kit/http/free-text.ts: every mail field is one line but the body, which may hold tab, LF and CRLF.
describe('free text', () => {
  const control = 'must not contain control characters';

  it('refuses NUL, ESC and line breaks in one-line fields with the validation error, never echoing the value', async () => {
    const mail = await start();
    const send = { to: 'bob@topolab.test', subject: 'hi', body: 'x' };
    const attachment = { filename: 'a.txt', contentType: 'text/plain', data: 'eA==' };
    const cases: [method: string, path: string, body: unknown, field: string][] = [
      ['POST', '/mail/send', { ...send, subject: 'Ada\u0000' }, 'body.subject'],
      ['POST', '/mail/send', { ...send, subject: 'hi\r\nBcc: eve@topolab.test' }, 'body.subject'],
      ['POST', '/mail/send', { ...send, to: 'bob@topolab.test\u0000' }, 'body.to'],
      ['POST', '/mail/send', { ...send, cc: ['\u001bbob'] }, 'body.cc.0'],
      ['POST', '/mail/send', { ...send, attachments: [{ ...attachment, filename: 'Ada\u0000.txt' }] }, 'body.attachments.0.filename'],
      ['POST', '/mail/contacts', { name: 'Ada\u0000', address: 'ada@topolab.test' }, 'body.name'],
      ['POST', '/mail/contacts', { name: 'Ada', address: 'ada@topolab.test\u001b' }, 'body.address'],
      ['POST', '/mail/groups', { name: 'Team\u001b', members: [] }, 'body.name'],
      ['POST', '/mail/groups', { name: 'Team', members: ['Ada\u0000'] }, 'body.members.0'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await mail.request(method, path, body);
      expect([res.status, res.body.error.code], `${path} ${field}`).toEqual([400, 'HTTP_VALIDATION_FAILED']);
      expect(res.body.error.details).toContainEqual({ path: field, message: control });
      expect(JSON.stringify(res.body)).not.toContain('Ada');
    }
    const search = await mail.request('GET', '/mail/search?q=Ada%00', undefined, 'bob');
    expect([search.status, search.body.error.details]).toEqual([400, [{ path: 'query.q', message: control }]]);
    expect((await mail.request('GET', '/mail/mailboxes/inbox', undefined, 'bob')).body.messages).toEqual([]);
  });

  it('refuses NUL and ESC in the body but keeps tab, LF and CRLF', async () => {
    const mail = await start();
    for (const body of ['Ada\u0000', 'Ada\u001b[2J', 'a lone\rCR']) {
      const res = await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', body });
      expect([res.status, res.body.error.details]).toEqual([400, [{ path: 'body.body', message: 'must not contain control characters other than tab and newline (CR only in CRLF)' }]]);
    }
    const text = 'Dear Bob,\r\n\r\n\tthe engine runs.\nAda';
    expect((await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', subject: 'Engine', body: text })).status).toBe(201);
    const [copy] = (await mail.request('GET', '/mail/mailboxes/inbox', undefined, 'bob')).body.messages;
    expect((await mail.request('GET', `/mail/messages/${copy.id}`, undefined, 'bob')).body.message.body).toBe(text);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewContent } from './message-store.js';
import { idRange } from './schema.js';
import { mailDatabaseFile, openMailStore, type MailStore } from './store.js';

function openStore(): MailStore {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-mail-store-'));
  const store = openMailStore(join(dir, mailDatabaseFile));
  onTestFinished(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

const content = (overrides: Partial<NewContent> = {}): NewContent => ({
  sender: { address: 'ada@topolab.test', name: 'Ada' },
  to: ['bob@topolab.test'],
  cc: [],
  subject: 'Lunch',
  body: 'Shall we meet at noon?',
  sentAt: 1_000,
  attachments: [],
  ...overrides,
});

const count = (store: MailStore, sql: string) => store.db.prepare(sql).pluck().get() as number;

describe('mail store: messages', () => {
  it('gives every owner one contiguous id range, ids growing per owner', () => {
    const store = openStore();
    const [[sent, inbox] = []] = store.deliver([{ content: content(), copies: [{ userId: 'ada', mailbox: 'sent', kind: 'mail', read: true }, { userId: 'bob', mailbox: 'inbox', kind: 'mail', read: false }] }], 10);
    const [[second] = []] = store.deliver([{ content: content(), copies: [{ userId: 'ada', mailbox: 'sent', kind: 'mail', read: true }] }], 11);
    const ada = store.range('ada')!;
    const bob = store.range('bob')!;
    expect(ada).toMatchObject(idRange(ada.owner));
    expect(sent).toBe(ada.lo + 1);
    expect(second).toBe(ada.lo + 2);
    expect(inbox).toBe(bob.lo + 1);
    expect(bob.lo).toBeGreaterThan(ada.hi);
  });

  it('stores a content once for all its copies, with attachments, and keeps per-copy facts', () => {
    const store = openStore();
    const data = Buffer.from('%PDF-1.4 minutes');
    const [[sent, inbox] = []] = store.deliver(
      [
        {
          content: content({ attachments: [{ filename: 'minutes.pdf', contentType: 'application/pdf', data }] }),
          copies: [
            { userId: 'ada', mailbox: 'sent', kind: 'mail', read: true, bcc: ['cy@topolab.test'] },
            { userId: 'bob', mailbox: 'inbox', kind: 'mail', read: false, spam: { score: 0.2, spam: false, reasons: ['bayes: 0.2'] }, virus: { infected: false, reasons: [] } },
          ],
        },
      ],
      50,
    );
    expect(count(store, 'SELECT count(*) FROM contents')).toBe(1);
    expect(store.get('ada', sent!)).toMatchObject({ mailbox: 'sent', read: true, bcc: ['cy@topolab.test'], attachmentCount: 1, deliveredAt: 50 });
    const bobs = store.get('bob', inbox!)!;
    expect(bobs).toMatchObject({ from: { address: 'ada@topolab.test', name: 'Ada' }, to: ['bob@topolab.test'], read: false, spam: { score: 0.2, spam: false, reasons: ['bayes: 0.2'] } });
    expect(bobs.bcc).toBeUndefined();
    expect(bobs.attachments).toEqual([{ index: 0, filename: 'minutes.pdf', contentType: 'application/pdf', size: data.length }]);
    expect(store.attachment('bob', inbox!, 0)?.data.equals(data)).toBe(true);
    expect(store.attachment('bob', inbox!, 1)).toBeUndefined();
  });

  it('never answers another user: get, flags, moves, deletes and attachments see only the owner', () => {
    const store = openStore();
    const [[sent, inbox] = []] = store.deliver([{ content: content({ attachments: [{ filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('a') }] }), copies: [{ userId: 'ada', mailbox: 'sent', kind: 'mail', read: true }, { userId: 'bob', mailbox: 'inbox', kind: 'mail', read: false }] }], 1);
    expect(store.get('ada', inbox!)).toBeUndefined();
    expect(store.get('nobody', inbox!)).toBeUndefined();
    expect(store.attachment('ada', inbox!, 0)).toBeUndefined();
    expect(store.setRead('ada', inbox!, true)).toBe(false);
    expect(store.move('ada', inbox!, 'trash')).toBe(false);
    expect(store.remove('ada', inbox!)).toBe(false);
    expect(store.summaries('bob', [sent!, inbox!]).map((m) => m.id)).toEqual([inbox]);
    expect(store.get('bob', inbox!)).toMatchObject({ mailbox: 'inbox', read: false });
  });

  it('pages a mailbox newest first below a cursor id', () => {
    const store = openStore();
    const ids = Array.from({ length: 5 }, (_, i) => store.deliver([{ content: content({ subject: `m${i}` }), copies: [{ userId: 'bob', mailbox: 'inbox', kind: 'mail', read: false }] }], i)[0]![0]!);
    const first = store.listMailbox('bob', 'inbox', { limit: 2 });
    expect(first.map((m) => m.subject)).toEqual(['m4', 'm3']);
    expect(store.listMailbox('bob', 'inbox', { before: first[1]!.id, limit: 10 }).map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(store.listMailbox('bob', 'sent', { limit: 10 })).toEqual([]);
    expect(store.listMailbox('nobody', 'inbox', { limit: 10 })).toEqual([]);
  });

  it('keeps mailbox counts through deliveries, reads, moves and deletes', () => {
    const store = openStore();
    const copies = () => [{ userId: 'bob', mailbox: 'inbox' as const, kind: 'mail' as const, read: false }];
    const [[a] = []] = store.deliver([{ content: content(), copies: copies() }], 1);
    const [[b] = []] = store.deliver([{ content: content(), copies: copies() }], 2);
    expect(store.counts('bob').inbox).toEqual({ total: 2, unread: 2 });
    store.setRead('bob', a!, true);
    store.setRead('bob', a!, true);
    expect(store.counts('bob').inbox).toEqual({ total: 2, unread: 1 });
    store.move('bob', b!, 'trash');
    expect(store.counts('bob')).toMatchObject({ inbox: { total: 1, unread: 0 }, trash: { total: 1, unread: 1 } });
    store.remove('bob', b!);
    expect(store.counts('bob')).toMatchObject({ inbox: { total: 1, unread: 0 }, trash: { total: 0, unread: 0 }, spam: { total: 0, unread: 0 } });
  });

  it('drops a copy deleted for good from the index, and the content with its last copy', () => {
    const store = openStore();
    const [[sent, inbox] = []] = store.deliver([{ content: content({ body: 'zebra crossing', attachments: [{ filename: 'z.txt', contentType: 'text/plain', data: Buffer.from('z') }] }), copies: [{ userId: 'ada', mailbox: 'sent', kind: 'mail', read: true }, { userId: 'bob', mailbox: 'inbox', kind: 'mail', read: false }] }], 1);
    const matches = () => count(store, `SELECT count(*) FROM mail_fts WHERE mail_fts MATCH '"zebra"'`);
    expect(matches()).toBe(2);
    store.remove('bob', inbox!);
    expect(matches()).toBe(1);
    expect(count(store, 'SELECT count(*) FROM contents')).toBe(1);
    store.remove('ada', sent!);
    expect(matches()).toBe(0);
    expect(count(store, 'SELECT count(*) FROM contents')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM attachments')).toBe(0);
  });

  it('writes nothing when one delivery of a batch fails', () => {
    const store = openStore();
    expect(() =>
      store.deliver(
        [
          { content: content(), copies: [{ userId: 'ada', mailbox: 'sent', kind: 'mail', read: true }] },
          { content: content(), copies: [{ userId: 'bob', mailbox: 'nowhere' as 'inbox', kind: 'mail', read: false }] },
        ],
        1,
      ),
    ).toThrow();
    expect(count(store, 'SELECT count(*) FROM messages')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM contents')).toBe(0);
  });
});

describe('mail store: contacts and groups', () => {
  it('creates, reads, updates and deletes contacts, names unique per user across contacts and groups', () => {
    const store = openStore();
    const ann = store.createContact('ada', { name: 'Ann Lee', address: 'ann@topolab.test', phone: '+447700900001' }, 1);
    expect(ann).toMatchObject({ name: 'Ann Lee', address: 'ann@topolab.test', phone: '+447700900001' });
    if (typeof ann === 'string') throw new Error(ann);
    expect(store.createContact('ada', { name: ' ann  LEE ', address: 'x@topolab.test' }, 2)).toBe('name-taken');
    expect(store.createContact('bob', { name: 'Ann Lee', address: 'x@topolab.test' }, 2)).toMatchObject({ name: 'Ann Lee' });
    expect(store.createGroup('ada', { name: 'ann lee', memberIds: [] }, 3)).toBe('name-taken');
    expect(store.updateContact('ada', ann.id, { phone: null, name: 'Ann' }, 4)).toMatchObject({ name: 'Ann', phone: null, address: 'ann@topolab.test', updatedAt: 4 });
    expect(store.updateContact('bob', ann.id, { name: 'Mine' }, 5)).toBe('not-found');
    expect(store.getContact('bob', ann.id)).toBeUndefined();
    expect(store.listContacts('ada').map((c) => c.name)).toEqual(['Ann']);
    expect(store.removeContact('bob', ann.id)).toBe(false);
    expect(store.removeContact('ada', ann.id)).toBe(true);
    expect(store.listContacts('ada')).toEqual([]);
  });

  it('expands groups to their members, finds contacts by id or name, and drops removed contacts from groups', () => {
    const store = openStore();
    const ids = ['Ann', 'Ben', 'Cid'].map((name) => {
      const contact = store.createContact('ada', { name, address: `${name.toLowerCase()}@topolab.test` }, 1);
      if (typeof contact === 'string') throw new Error(contact);
      return contact.id;
    });
    expect(store.findContacts('ada', [ids[0]!, 'ben', 'nobody', 999])).toEqual([ids[0], ids[1], undefined, undefined]);
    expect(store.findContacts('bob', [ids[0]!])).toEqual([undefined]);
    const team = store.createGroup('ada', { name: 'Team', memberIds: [ids[2]!, ids[0]!, ids[1]!] }, 2);
    if (typeof team === 'string') throw new Error(team);
    expect(team.members.map((m) => m.name)).toEqual(['Cid', 'Ann', 'Ben']);
    expect(store.resolveNames('ada', ['TEAM', 'ann', 'ghost'])).toEqual(
      new Map([
        ['team', { kind: 'group', addresses: ['cid@topolab.test', 'ann@topolab.test', 'ben@topolab.test'] }],
        ['ann', { kind: 'contact', address: 'ann@topolab.test' }],
      ]),
    );
    expect(store.resolveNames('bob', ['team']).size).toBe(0);
    store.removeContact('ada', ids[0]!);
    expect(store.getGroup('ada', team.id)?.members.map((m) => m.name)).toEqual(['Cid', 'Ben']);
    expect(store.updateGroup('ada', team.id, { name: 'Crew', memberIds: [ids[1]!] }, 3)).toMatchObject({ name: 'Crew', members: [{ name: 'Ben' }] });
    expect(store.updateGroup('bob', team.id, { name: 'Mine' }, 4)).toBe('not-found');
    expect(store.removeGroup('bob', team.id)).toBe(false);
    expect(store.removeGroup('ada', team.id)).toBe(true);
    expect(store.listGroups('ada')).toEqual([]);
  });
});

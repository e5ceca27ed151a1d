import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { MailboxName } from './records.js';
import { compileQuery } from './query/compile.js';
import { parseQuery } from './query/parse.js';
import { rankingWindow, type SearchPosition } from './search-store.js';
import { mailDatabaseFile, openMailStore, type MailStore } from './store.js';

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

interface Seed {
  readonly subject: string;
  readonly body: string;
  readonly from?: string;
  readonly to?: string;
  readonly mailbox?: MailboxName;
  readonly sent?: string;
  readonly attachment?: boolean;
  readonly bcc?: string;
}

/** A store where bob owns the seeded messages (and ada a decoy with the same words). */
function seed(messages: readonly Seed[]): { store: MailStore; ids: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-mail-search-'));
  const store = openMailStore(join(dir, mailDatabaseFile));
  onTestFinished(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = messages.map((m) => {
    const [delivered] = store.deliver(
      [
        {
          content: {
            sender: { address: m.from ?? 'ada@topolab.test', name: 'Sender' },
            to: [m.to ?? 'bob@topolab.test'],
            cc: [],
            subject: m.subject,
            body: m.body,
            sentAt: day(m.sent ?? '2024-05-01'),
            attachments: m.attachment ? [{ filename: 'f.txt', contentType: 'text/plain', data: Buffer.from('f') }] : [],
          },
          copies: [
            { userId: 'bob', mailbox: m.mailbox ?? 'inbox', kind: 'mail', read: false, ...(m.bcc ? { bcc: [m.bcc] } : {}) },
            { userId: 'decoy', mailbox: 'inbox', kind: 'mail', read: false },
          ],
        },
      ],
      1,
    );
    return delivered![0]!;
  });
  return { store, ids };
}

function search(store: MailStore, query: string, page: { after?: SearchPosition; limit?: number } = {}) {
  return store.search(store.range('bob')!, compileQuery(parseQuery(query)), { limit: page.limit ?? 50, ...(page.after ? { after: page.after } : {}) });
}

const corpus: Seed[] = [
  /* 0 */ { subject: 'Quarterly report', body: 'The quarterly report is attached.', attachment: true, sent: '2024-01-10' },
  /* 1 */ { subject: 'Lunch', body: 'Lunch at noon? The report can wait.', from: 'cy@topolab.test', sent: '2024-02-10' },
  /* 2 */ { subject: 'Draft report', body: 'A first draft of the report.', sent: '2024-03-10' },
  /* 3 */ { subject: 'Meeting notes', body: 'Notes from the meeting about meetings.', to: 'team@topolab.test', sent: '2024-04-10' },
  /* 4 */ { subject: 'Cheap pills', body: 'Buy a report now', mailbox: 'spam', sent: '2024-05-10' },
  /* 5 */ { subject: 'Old report', body: 'Binned report', mailbox: 'trash', sent: '2024-06-10' },
  /* 6 */ { subject: 'Sent by bob', body: 'My own report', mailbox: 'sent', bcc: 'secret@topolab.test', sent: '2024-07-10' },
];

describe('search over the store', () => {
  const ids = (store: MailStore, query: string) => search(store, query).hits.map((hit) => hit.id);

  it.each([
    ['report', [0, 2, 1, 6]],
    ['"quarterly report"', [0]],
    ['meet*', [3]],
    ['from:cy', [1]],
    ['from:cy@topolab.test', [1]],
    ['to:team', [3]],
    ['to:secret', [6]],
    ['subject:report', [0, 2]],
    ['report has:attachment', [0]],
    ['report -has:attachment', [2, 1, 6]],
    ['report in:spam', [4]],
    ['report in:trash', [5]],
    ['report in:anywhere', [0, 2, 5, 4, 1, 6]],
    ['report -draft', [0, 1, 6]],
    ['report -from:cy -"quarterly report"', [2, 6]],
    ['report after:2024-02-10', [2, 1, 6]],
    ['report before:2024-02-10', [0]],
    ['report after:2024-02-01 before:2024-03-31', [2, 1]],
    ['nothingmatches', []],
  ])('%s → messages %j, best first', (query, expected) => {
    const { store, ids: seeded } = seed(corpus);
    expect(new Set(ids(store, query))).toEqual(new Set(expected.map((i) => seeded[i])));
  });

  it('ranks with bm25: a word in the subject beats one only in the body', () => {
    const { store, ids: seeded } = seed(corpus);
    const hits = search(store, 'report').hits;
    expect(hits.slice(0, 2).map((hit) => hit.id).sort()).toEqual([seeded[0], seeded[2]].sort());
    expect(hits.every((hit, i) => i === 0 || hit.score! >= hits[i - 1]!.score!)).toBe(true);
  });

  it('orders filter-only and negation-only queries newest first', () => {
    const { store, ids: seeded } = seed(corpus);
    expect(ids(store, 'has:attachment')).toEqual([seeded[0]]);
    expect(ids(store, '-report')).toEqual([seeded[3]]);
    expect(ids(store, '-lunch -meeting')).toEqual([seeded[6], seeded[2], seeded[0]]);
    expect(search(store, 'in:anywhere').hits.map((hit) => hit.score)).toEqual(Array(7).fill(null));
  });

  it('never finds another user\'s mail', () => {
    const { store } = seed(corpus);
    const decoyHits = store.search(store.range('decoy')!, compileQuery(parseQuery('to:secret')), { limit: 10 }).hits;
    expect(decoyHits).toEqual([]);
  });

  it('pages ranked and date-ordered results without repeats or gaps', () => {
    const { store } = seed(Array.from({ length: 23 }, (_, i) => ({ subject: `note ${i}`, body: `report ${'report '.repeat(i % 4)}` })));
    for (const query of ['report', 'in:inbox']) {
      const all = search(store, query).hits.map((hit) => hit.id);
      const paged: number[] = [];
      let after: SearchPosition | undefined;
      for (;;) {
        const page = search(store, query, { limit: 5, ...(after ? { after } : {}) });
        paged.push(...page.hits.map((hit) => hit.id));
        if (!page.more) break;
        const last = page.hits.at(-1)!;
        after = last.score === null ? { id: last.id } : { id: last.id, score: last.score };
      }
      expect(paged).toEqual(all);
      expect(all).toHaveLength(23);
    }
  });

  it(`ranks only the newest ${rankingWindow} matches and says so`, () => {
    const { store, ids: seeded } = seed(Array.from({ length: rankingWindow + 5 }, (_, i) => ({ subject: 's', body: i === 0 ? 'common common common' : 'common' })));
    const result = search(store, 'common', { limit: 10 });
    expect(result.truncated).toBe(true);
    expect(result.hits.map((hit) => hit.id)).not.toContain(seeded[0]);
    expect(search(store, 'common before:2100-01-01', { limit: 1 }).truncated).toBe(true);
    expect(search(store, '"common common"', { limit: 1 })).toMatchObject({ truncated: false, hits: [{ id: seeded[0] }] });
  });

  it.each([
    ['report', ['SCAN f VIRTUAL TABLE', 'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)']],
    ['from:cy -draft has:attachment', ['SCAN f VIRTUAL TABLE', 'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)']],
    ['in:spam has:attachment', ['SEARCH m USING INDEX messages_by_mailbox (owner=? AND mailbox=? AND id>? AND id<?)']],
    ['has:attachment -report', ['SEARCH m USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']],
  ])('plans %j through the user\'s id range without sorting the mailbox', (query, expected) => {
    const { store } = seed(corpus);
    const plan = store.explainSearch(store.range('bob')!, compileQuery(parseQuery(query)));
    for (const step of expected) expect(plan.some((detail) => detail.startsWith(step)), `${step} in ${plan.join(' | ')}`).toBe(true);
    expect(plan.join(' | ')).not.toContain('TEMP B-TREE');
    // The FTS scan carries the rowid range (">" and "<" constraints in its index string).
    if (plan[0]!.startsWith('SCAN f VIRTUAL TABLE')) expect(plan[0]).toMatch(/><$/);
  });
});


import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { compileQuery } from './compile.js';
import { parseQuery } from './parse.js';
import { QueryError } from './query-error.js';

const plan = (query: string) => compileQuery(parseQuery(query));

describe('compileQuery', () => {
  it('quotes every token and joins positive terms with AND', () => {
    expect(plan('report "next week" meet*')).toEqual({ match: '(("report") AND ("next week") AND ("meet" *))', mailboxes: ['inbox', 'sent'], filters: [] });
  });

  it('maps fields to index columns', () => {
    expect(plan('from:ada to:bob subject:"lunch plan"').match).toBe('((sender : "ada") AND (recipients : "bob") AND (subject : "lunch plan"))');
  });

  it('appends negated text terms with NOT', () => {
    expect(plan('report -draft -from:bob').match).toBe('(("report")) NOT ("draft") NOT (sender : "bob")');
  });

  it('turns negation-only text into an exclusion', () => {
    expect(plan('-draft -"first cut" has:attachment')).toEqual({
      exclude: '("draft") OR ("first cut")',
      mailboxes: ['inbox', 'sent'],
      filters: [{ sql: 'm.attachment_count > 0', params: [] }],
    });
  });

  it('compiles dates and attachment flags to bound parameters, negations inverted', () => {
    const day = Date.UTC(2024, 0, 31);
    expect(plan('x before:2024-01-31 -after:2024-01-31 -has:attachment').filters).toEqual([
      { sql: 'm.sent_at < ?', params: [day] },
      { sql: 'm.sent_at < ?', params: [day] },
      { sql: 'm.attachment_count = 0', params: [] },
    ]);
    expect(plan('x -before:2024-01-31 after:2024-01-31').filters).toEqual([
      { sql: 'm.sent_at >= ?', params: [day] },
      { sql: 'm.sent_at >= ?', params: [day] },
    ]);
  });

  it.each([
    ['x', ['inbox', 'sent']],
    ['x in:spam', ['spam']],
    ['x in:anywhere', ['inbox', 'sent', 'spam', 'trash']],
    ['x in:quarantine', ['quarantine']],
    ['x in:anywhere -in:trash', ['inbox', 'sent', 'spam']],
    ['x -in:sent', ['inbox']],
    ['x in:spam in:trash', []],
  ])('%s searches %j', (query, mailboxes) => {
    expect(plan(query).mailboxes).toEqual(mailboxes);
  });

  it('never lets input reach SQLite as syntax: any query either fails to parse or runs', () => {
    const db = new Database(':memory:');
    onTestFinished(() => {
      db.close();
    });
    db.exec("CREATE VIRTUAL TABLE f USING fts5 (sender, recipients, subject, body, content = '', contentless_delete = 1, prefix = '2 3')");
    db.prepare('INSERT INTO f (rowid, sender, recipients, subject, body) VALUES (1, ?, ?, ?, ?)').run('ada@topolab.test Ada', 'bob@topolab.test', 'Lunch', 'NEAR the "OR" AND NOT table');
    const run = db.prepare('SELECT rowid FROM f WHERE f MATCH ?');
    const hostile = ['NEAR(a b)', 'a OR b', 'NOT x', '"a" AND "b"', 'sender:x', '{sender}:x', '^x', 'x + y', "'; DROP TABLE f; --", '("', ')', 'a*b*c', 'subject:"x" OR 1', '\\"', '„quote“', 'ünïcödé*'];
    const alphabet = ['a', 'b', ' ', '"', '-', '*', ':', '(', ')', '^', '{', '}', '+', 'from', 'in', 'OR', 'NEAR', '\'', '.', '@'];
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 500; i++) hostile.push(Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    for (const query of hostile) {
      let compiled;
      try {
        compiled = plan(query);
      } catch (error) {
        expect(error, query).toBeInstanceOf(QueryError);
        continue;
      }
      for (const expression of [compiled.match, compiled.exclude]) if (expression !== undefined) expect(() => run.all(expression), `${query} → ${expression}`).not.toThrow();
    }
    expect(run.all(plan('near "the or" -missing').match)).toEqual([{ rowid: 1 }]);
  });
});

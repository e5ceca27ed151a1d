import { describe, expect, it } from 'vitest';
import { parseQuery } from './parse.js';
import { QueryError } from './query-error.js';

function failure(query: string): { problem: string; position: number } {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return { problem: error.problem, position: error.position };
    throw error;
  }
  throw new Error(`"${query}" parsed without error`);
}

describe('parseQuery: constructs', () => {
  it('parses words, lower-cased and split like the index splits them', () => {
    expect(parseQuery('Hello  wörld').terms).toEqual([
      { kind: 'text', tokens: ['hello'], prefix: false, negated: false, position: 0 },
      { kind: 'text', tokens: ['wörld'], prefix: false, negated: false, position: 7 },
    ]);
    expect(parseQuery("o'brien").terms).toEqual([{ kind: 'text', tokens: ['o', 'brien'], prefix: false, negated: false, position: 0 }]);
  });

  it('parses "phrases" as adjacent tokens', () => {
    expect(parseQuery('"quarterly report"').terms).toEqual([{ kind: 'text', tokens: ['quarterly', 'report'], prefix: false, negated: false, position: 0 }]);
  });

  it('parses prefixes on words and phrases', () => {
    expect(parseQuery('meet*').terms).toEqual([{ kind: 'text', tokens: ['meet'], prefix: true, negated: false, position: 0 }]);
    expect(parseQuery('"annual rep"*').terms).toEqual([{ kind: 'text', tokens: ['annual', 'rep'], prefix: true, negated: false, position: 0 }]);
  });

  it('parses from:, to: and subject: with words, phrases and prefixes, field names in any case', () => {
    expect(parseQuery('from:ada@topolab.test TO:"Bob Smith" subject:lunch*').terms).toEqual([
      { kind: 'text', field: 'from', tokens: ['ada', 'topolab', 'test'], prefix: false, negated: false, position: 0 },
      { kind: 'text', field: 'to', tokens: ['bob', 'smith'], prefix: false, negated: false, position: 22 },
      { kind: 'text', field: 'subject', tokens: ['lunch'], prefix: true, negated: false, position: 37 },
    ]);
  });

  it('parses has:attachment and in:<mailbox>', () => {
    expect(parseQuery('has:attachment in:spam in:anywhere').terms).toEqual([
      { kind: 'has', what: 'attachment', negated: false, position: 0 },
      { kind: 'in', mailbox: 'spam', negated: false, position: 15 },
      { kind: 'in', mailbox: 'anywhere', negated: false, position: 23 },
    ]);
  });

  it('parses before: and after: as UTC day starts', () => {
    expect(parseQuery('before:2024-03-01 after:2023-12-31').terms).toEqual([
      { kind: 'date', op: 'before', day: Date.UTC(2024, 2, 1), negated: false, position: 0 },
      { kind: 'date', op: 'after', day: Date.UTC(2023, 11, 31), negated: false, position: 18 },
    ]);
  });

  it('parses -negation of any term', () => {
    const terms = parseQuery('report -draft -"first cut" -from:bob -has:attachment -in:sent').terms;
    expect(terms.map((term) => [term.kind, term.negated, term.position])).toEqual([
      ['text', false, 0],
      ['text', true, 7],
      ['text', true, 14],
      ['text', true, 27],
      ['has', true, 37],
      ['in', true, 53],
    ]);
  });

  it('reads an unknown name: as text and ignores stray punctuation', () => {
    expect(parseQuery('re:lunch & ...').terms).toEqual([{ kind: 'text', tokens: ['re', 'lunch'], prefix: false, negated: false, position: 0 }]);
  });

  it('keeps FTS5 operators and quotes as plain tokens', () => {
    expect(parseQuery('NEAR OR NOT AND').terms.map((term) => (term.kind === 'text' ? term.tokens : []))).toEqual([['near'], ['or'], ['not'], ['and']]);
    expect(parseQuery('a"b c"').terms).toHaveLength(2);
  });
});

describe('parseQuery: errors with their position', () => {
  it.each([
    ['hello "world', 'unterminated quote', 6],
    ['subject:"the plan', 'unterminated quote', 8],
    ['hello - world', 'nothing to negate after -', 6],
    ['-', 'nothing to negate after -', 0],
    ['--draft', 'unexpected second -', 1],
    ['-&', 'nothing to negate after -', 0],
    ['from:', 'from: needs a value', 0],
    ['ada to: bob', 'to: needs a value', 4],
    ['-subject: x', 'subject: needs a value', 0],
    ['from:""', 'from: needs letters or digits', 5],
    ['from:@@', 'from: needs letters or digits', 5],
    ['""', 'empty phrase', 0],
    ['*', 'a prefix needs letters or digits before *', 0],
    ['has:pictures', 'has: supports only attachment', 4],
    ['has:attach*', 'has: supports only attachment', 4],
    ['in:archive', 'in: expects one of inbox, sent, spam, trash, quarantine, anywhere', 3],
    ['before:2024-13-01', 'before: expects a date as YYYY-MM-DD', 7],
    ['x after:2024-02-30', 'after: expects a date as YYYY-MM-DD', 8],
    ['before:yesterday', 'before: expects a date as YYYY-MM-DD', 7],
    ['before:""', 'before: expects a date as YYYY-MM-DD', 7],
    ['', 'empty query', 0],
    ['   ', 'empty query', 0],
    ['& !!', 'nothing to search for', 0],
  ])('%j → %s at position %i', (query, problem, position) => {
    expect(failure(query)).toEqual({ problem, position });
  });

  it('refuses more than 32 terms at the position of the 33rd', () => {
    const query = Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ');
    expect(failure(query)).toEqual({ problem: 'too many terms (at most 32)', position: query.lastIndexOf('w32') });
  });

  it('formats the message as "<problem> at position <n>"', () => {
    expect(() => parseQuery('find "the thing')).toThrow('unterminated quote at position 5');
  });
});

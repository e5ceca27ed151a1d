import { mailboxNames } from '../records.js';
import type { DateTerm, InTerm, SearchQuery, SearchTerm, TextField } from './ast.js';
import { lexQuery, type Lexeme } from './lexer.js';
import { QueryError } from './query-error.js';

/** The most terms one query may have. */
export const maxTerms = 32;

// What the index's unicode61 tokenizer keeps as token characters (letters, digits, marks, private use).
const tokenRun = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const textFields: ReadonlySet<string> = new Set(['from', 'to', 'subject']);
const inValues: ReadonlySet<string> = new Set([...mailboxNames, 'anywhere']);

/** Splits text into the tokens the full-text index holds (lower-cased letters-and-digits runs). */
export function extractTokens(text: string): string[] {
  return (text.normalize('NFC').toLowerCase().match(tokenRun) ?? []).map(String);
}

/**
 * Parses a search query into terms (tokenizer → AST). Grammar, terms separated by spaces and
 * combined with AND: `word`, `"a phrase"`, `prefix*`, `from:` / `to:` / `subject:` + any of
 * those, `has:attachment`, `in:<mailbox|anywhere>`, `before:YYYY-MM-DD`, `after:YYYY-MM-DD`,
 * each optionally negated with a leading `-`. A bare word of punctuation only is ignored.
 * @throws QueryError naming the problem and its 0-based position
 */
export function parseQuery(query: string): SearchQuery {
  const terms = lexQuery(query).flatMap((lexeme) => {
    const term = toTerm(lexeme);
    return term ? [term] : [];
  });
  if (terms.length === 0) throw new QueryError(query.trim() === '' ? 'empty query' : 'nothing to search for', 0);
  if (terms.length > maxTerms) throw new QueryError(`too many terms (at most ${maxTerms})`, terms[maxTerms]!.position);
  return { terms };
}

function toTerm(lexeme: Lexeme): SearchTerm | undefined {
  const { field, negated, position } = lexeme;
  if (field === undefined || textFields.has(field)) return toTextTerm(lexeme, field as TextField | undefined);
  const value = lexeme.value.toLowerCase();
  if (lexeme.prefix || lexeme.value === '') throw invalidValue(lexeme);
  switch (field) {
    case 'has':
      if (value !== 'attachment' && value !== 'attachments') throw new QueryError('has: supports only attachment', lexeme.valuePosition);
      return { kind: 'has', what: 'attachment', negated, position };
    case 'in':
      if (!inValues.has(value)) throw new QueryError(`in: expects one of ${[...inValues].join(', ')}`, lexeme.valuePosition);
      return { kind: 'in', mailbox: value as InTerm['mailbox'], negated, position };
    default:
      return { kind: 'date', op: field as DateTerm['op'], day: parseDay(lexeme), negated, position };
  }
}

function toTextTerm(lexeme: Lexeme, field: TextField | undefined): SearchTerm | undefined {
  const tokens = extractTokens(lexeme.value);
  if (tokens.length === 0) {
    if (field !== undefined) throw new QueryError(`${field}: needs letters or digits`, lexeme.valuePosition);
    if (lexeme.quoted) throw new QueryError('empty phrase', lexeme.valuePosition);
    if (lexeme.prefix) throw new QueryError('a prefix needs letters or digits before *', lexeme.valuePosition);
    // Stray punctuation (`&`, `...`) has nothing the index could hold.
    if (!lexeme.negated) return undefined;
    throw new QueryError('nothing to negate after -', lexeme.position);
  }
  return { kind: 'text', ...(field === undefined ? {} : { field }), tokens, prefix: lexeme.prefix, negated: lexeme.negated, position: lexeme.position };
}

function parseDay(lexeme: Lexeme): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(lexeme.value);
  const fail = () => new QueryError(`${lexeme.field}: expects a date as YYYY-MM-DD`, lexeme.valuePosition);
  if (!match) throw fail();
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  // Date.UTC rolls 2024-02-30 over to March: a day that does not exist comes back different.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) throw fail();
  return time;
}

function invalidValue(lexeme: Lexeme): QueryError {
  if (lexeme.field === 'has') return new QueryError('has: supports only attachment', lexeme.valuePosition);
  if (lexeme.field === 'in') return new QueryError(`in: expects one of ${[...inValues].join(', ')}`, lexeme.valuePosition);
  return new QueryError(`${lexeme.field}: expects a date as YYYY-MM-DD`, lexeme.valuePosition);
}

import { QueryError } from './query-error.js';

/** One whitespace-separated piece of a query, before its meaning is known. */
export interface Lexeme {
  /** Position of its first character (the `-` when negated). */
  readonly position: number;
  readonly negated: boolean;
  /** The lower-cased name before `:` when it is one of `fieldNames`. */
  readonly field?: string;
  /** The text after the field, quotes removed. */
  readonly value: string;
  /** Position of the value (its opening quote when quoted). */
  readonly valuePosition: number;
  readonly quoted: boolean;
  /** A `*` followed the value. */
  readonly prefix: boolean;
}

/** Names that start a `name:value` term; anything else with a colon is plain text (`re:lunch`). */
export const fieldNames: ReadonlySet<string> = new Set(['from', 'to', 'subject', 'has', 'in', 'before', 'after']);

const space = /\s/;
const fieldStart = /^([A-Za-z]+):/;

/** Splits a query into lexemes: `-`negation, `field:`, "quoted values" and `prefix*`. Throws QueryError. */
export function lexQuery(query: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  while (i < query.length) {
    if (space.test(query[i]!)) {
      i++;
      continue;
    }
    const position = i;
    const negated = query[i] === '-';
    if (negated) {
      i++;
      if (i === query.length || space.test(query[i]!)) throw new QueryError('nothing to negate after -', position);
      if (query[i] === '-') throw new QueryError('unexpected second -', i);
    }
    let field: string | undefined;
    const named = fieldStart.exec(query.slice(i, i + 16));
    if (named && fieldNames.has(named[1]!.toLowerCase())) {
      field = named[1]!.toLowerCase();
      i += named[0].length;
      if (i === query.length || space.test(query[i]!)) throw new QueryError(`${field}: needs a value`, position);
    }
    const valuePosition = i;
    let value: string;
    let quoted = false;
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      if (close === -1) throw new QueryError('unterminated quote', i);
      value = query.slice(i + 1, close);
      quoted = true;
      i = close + 1;
    } else {
      const start = i;
      while (i < query.length && !space.test(query[i]!) && query[i] !== '"') i++;
      value = query.slice(start, i);
    }
    let prefix = false;
    if (quoted && query[i] === '*') {
      prefix = true;
      i++;
    } else if (!quoted && value.endsWith('*')) {
      prefix = true;
      value = value.replace(/\*+$/, '');
    }
    lexemes.push({ position, negated, ...(field === undefined ? {} : { field }), value, valuePosition, quoted, prefix });
  }
  return lexemes;
}

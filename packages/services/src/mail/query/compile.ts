import type { MailboxName } from '../records.js';
import type { SearchQuery, TextField, TextTerm } from './ast.js';

/** A condition on the `messages` row (alias `m`) with its bound parameters. */
export interface SqlFilter {
  readonly sql: string;
  readonly params: readonly number[];
}

/** What the search store runs: FTS5 expressions built from tokens only, and SQL with bound parameters. */
export interface SearchPlan {
  /** The FTS5 expression of the positive text terms (negated ones appended with NOT); absent when there is none. */
  readonly match?: string;
  /** When there is no positive text term: the FTS5 expression of the negated ones, whose matches are left out. */
  readonly exclude?: string;
  /** Mailboxes searched (possibly none). */
  readonly mailboxes: readonly MailboxName[];
  readonly filters: readonly SqlFilter[];
}

/** Searched when the query names no mailbox: not spam, trash or quarantine. */
export const defaultScope: readonly MailboxName[] = ['inbox', 'sent'];
const anywhere: readonly MailboxName[] = ['inbox', 'sent', 'spam', 'trash'];
const allMailboxes: readonly MailboxName[] = ['inbox', 'sent', 'spam', 'trash', 'quarantine'];

// Column names of the full-text index (schema.ts); never user text.
const columnOf: Readonly<Record<TextField, string>> = { from: 'sender', to: 'recipients', subject: 'subject' };

/**
 * Compiles a parsed query (AST → plan). Every FTS5 string is assembled from the parsed tokens,
 * each a run of letters and digits put in double quotes, and from fixed column names and
 * operators: user text is never pasted in. Dates and flags become bound SQL parameters.
 */
export function compileQuery(query: SearchQuery): SearchPlan {
  const positive: string[] = [];
  const negative: string[] = [];
  const filters: SqlFilter[] = [];
  let scope: Set<MailboxName> | undefined;
  const excluded = new Set<MailboxName>();

  for (const term of query.terms) {
    switch (term.kind) {
      case 'text':
        (term.negated ? negative : positive).push(textExpression(term));
        break;
      case 'has':
        filters.push({ sql: term.negated ? 'm.attachment_count = 0' : 'm.attachment_count > 0', params: [] });
        break;
      case 'in': {
        const named = term.mailbox === 'anywhere' ? anywhere : [term.mailbox];
        if (term.negated) for (const mailbox of named) excluded.add(mailbox);
        else scope = new Set([...(scope ?? allMailboxes)].filter((mailbox) => named.includes(mailbox)));
        break;
      }
      case 'date': {
        const before = (term.op === 'before') !== term.negated;
        filters.push({ sql: before ? 'm.sent_at < ?' : 'm.sent_at >= ?', params: [term.day] });
        break;
      }
    }
  }
  const mailboxes = [...(scope ?? defaultScope)].filter((mailbox) => !excluded.has(mailbox));
  if (positive.length === 0) return { ...(negative.length ? { exclude: negative.map(group).join(' OR ') } : {}), mailboxes, filters };
  const match = [group(positive.map(group).join(' AND ')), ...negative.map(group)].join(' NOT ');
  return { match, mailboxes, filters };
}

/** `"tok1 tok2"`, with ` *` for a prefix and `column : ` for a field. */
function textExpression(term: TextTerm): string {
  const phrase = `"${term.tokens.map((token) => token.replaceAll('"', '""')).join(' ')}"${term.prefix ? ' *' : ''}`;
  return term.field ? `${columnOf[term.field]} : ${phrase}` : phrase;
}

function group(expression: string): string {
  return `(${expression})`;
}

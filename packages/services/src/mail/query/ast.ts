import type { MailboxName } from '../records.js';

/** A field a text term can be limited to. */
export type TextField = 'from' | 'to' | 'subject';

/** What every term has: whether it is negated (`-`) and where it starts in the query (0-based). */
interface TermBase {
  readonly negated: boolean;
  readonly position: number;
}

/** Words to find: one word, a "phrase", a prefix* — in any column or in one field. */
export interface TextTerm extends TermBase {
  readonly kind: 'text';
  /** Absent: subject, body, sender and recipients alike. */
  readonly field?: TextField;
  /** Letters-and-digits runs, lower-cased; adjacent in this order when there are several. */
  readonly tokens: readonly string[];
  /** The last token is a prefix (`meet*`). */
  readonly prefix: boolean;
}

/** `has:attachment`. */
export interface HasTerm extends TermBase {
  readonly kind: 'has';
  readonly what: 'attachment';
}

/** `in:spam` and the other mailboxes; `in:anywhere` is every mailbox but quarantine. */
export interface InTerm extends TermBase {
  readonly kind: 'in';
  readonly mailbox: MailboxName | 'anywhere';
}

/** `before:YYYY-MM-DD` (sent before that day) or `after:YYYY-MM-DD` (sent on or after it), UTC. */
export interface DateTerm extends TermBase {
  readonly kind: 'date';
  readonly op: 'before' | 'after';
  /** Epoch ms of the day's start, UTC. */
  readonly day: number;
}

/** One term of a search; terms are combined with AND. */
export type SearchTerm = TextTerm | HasTerm | InTerm | DateTerm;

/** A parsed search query. */
export interface SearchQuery {
  readonly terms: readonly SearchTerm[];
}

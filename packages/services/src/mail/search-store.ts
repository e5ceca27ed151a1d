import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../kit/sqlite.js';
import type { SearchPlan } from './query/compile.js';

/** How many of the newest matches are ranked at most: beyond it, narrow the query (`before:`). */
export const rankingWindow = 2000;

/** Column weights of bm25: sender, recipients, subject, body. */
const weights = '2.0, 1.0, 3.0, 1.0';

/** One search hit: the message id and its bm25 score (lower is better; null when ranked by date). */
export interface SearchHit {
  readonly id: number;
  readonly score: number | null;
}

/** Where a page of results continues. */
export type SearchPosition = { readonly score: number; readonly id: number } | { readonly id: number };

/** Hits of one page, and whether more matches existed than the ranking window holds. */
export interface SearchHits {
  readonly hits: SearchHit[];
  /** Whether another page follows. */
  readonly more: boolean;
  /** More than `rankingWindow` messages matched: the newest of them were ranked. */
  readonly truncated: boolean;
}

/** A user's id range, as `MessageStore.range` answers it. */
export interface OwnerRange {
  readonly owner: number;
  readonly lo: number;
  readonly hi: number;
}

/** Runs compiled search plans against one user's id range. */
export interface SearchStore {
  search(range: OwnerRange, plan: SearchPlan, page: { readonly after?: SearchPosition; readonly limit: number }): SearchHits;
  /** SQLite's query plan (`EXPLAIN QUERY PLAN` details) of the statement `search` runs for `plan`. */
  explainSearch(range: OwnerRange, plan: SearchPlan): string[];
}

/** One statement of a search: ranked (with text terms) or by date. */
interface SearchStatement {
  readonly ranked: boolean;
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/**
 * Builds the statement of a plan. With text terms: the newest `rankingWindow + 1` matches in
 * the user's rowid range (FTS5 walks its doclists backwards from `hi` and stops), each with its
 * bm25 score. Without: the user's messages newest first, filtered, one page (plus one).
 */
function buildStatement(range: OwnerRange, plan: SearchPlan, page: { readonly after?: SearchPosition; readonly limit: number }): SearchStatement {
  const filterSql = plan.filters.map((filter) => ` AND ${filter.sql}`).join('');
  const filterParams = plan.filters.flatMap((filter) => filter.params);
  const marks = plan.mailboxes.map(() => '?').join(', ');
  if (plan.match !== undefined) {
    const sql = `SELECT m.id AS id, bm25(mail_fts, ${weights}) AS score FROM mail_fts f JOIN messages m ON m.id = f.rowid
      WHERE mail_fts MATCH ? AND f.rowid BETWEEN ? AND ? AND m.mailbox IN (${marks})${filterSql}
      ORDER BY f.rowid DESC LIMIT ${rankingWindow + 1}`;
    return { ranked: true, sql, params: [plan.match, range.lo, range.hi, ...plan.mailboxes, ...filterParams] };
  }
  const hi = page.after ? Math.min(range.hi, page.after.id - 1) : range.hi;
  const exclude = plan.exclude === undefined ? '' : ' AND m.id NOT IN (SELECT rowid FROM mail_fts WHERE mail_fts MATCH ? AND rowid BETWEEN ? AND ?)';
  const excludeParams = plan.exclude === undefined ? [] : [plan.exclude, range.lo, range.hi];
  // One mailbox: its index (owner, mailbox, id) yields rows newest first. Several: walk the
  // user's id range backwards (`+` keeps SQLite off that index, which would need a sort).
  const single = plan.mailboxes.length === 1;
  const where = single ? 'm.owner = ? AND m.mailbox = ? AND m.id BETWEEN ? AND ?' : `m.id BETWEEN ? AND ? AND +m.mailbox IN (${marks})`;
  const scopeParams = single ? [range.owner, plan.mailboxes[0]!, range.lo, hi] : [range.lo, hi, ...plan.mailboxes];
  return {
    ranked: false,
    sql: `SELECT m.id AS id FROM messages m WHERE ${where}${filterSql}${exclude} ORDER BY m.id DESC LIMIT ?`,
    params: [...scopeParams, ...filterParams, ...excludeParams, page.limit + 1],
  };
}

/** Prepares searches on `db`; statements are prepared once per plan shape and kept. */
export function createSearchStore(db: SqliteDatabase): SearchStore {
  const statements = new Map<string, Database.Statement<unknown[]>>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      // Plan shapes are few (mailboxes × filters); the bound keeps a pathological stream from growing it.
      if (statements.size >= 256) statements.clear();
      statement = db.prepare<unknown[]>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  return {
    search(range, plan, page) {
      if (plan.mailboxes.length === 0) return { hits: [], more: false, truncated: false };
      const { ranked, sql, params } = buildStatement(range, plan, page);
      if (!ranked) {
        const rows = prepare(sql).all(...params) as { id: number }[];
        return { hits: rows.slice(0, page.limit).map((row) => ({ id: row.id, score: null })), more: rows.length > page.limit, truncated: false };
      }
      const rows = prepare(sql).all(...params) as { id: number; score: number }[];
      const truncated = rows.length > rankingWindow;
      const best = rows.slice(0, rankingWindow).sort((a, b) => a.score - b.score || b.id - a.id);
      const after = page.after;
      const start = after && 'score' in after ? best.findIndex((row) => row.score > after.score || (row.score === after.score && row.id < after.id)) : 0;
      const rest = start === -1 ? [] : best.slice(start);
      return { hits: rest.slice(0, page.limit), more: rest.length > page.limit, truncated };
    },
    explainSearch(range, plan) {
      const { sql, params } = buildStatement(range, plan, { limit: 20 });
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
    },
  };
}

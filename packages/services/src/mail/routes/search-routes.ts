import { defineRoute, type Route } from '../../kit/http/router.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { requireUser } from '../../kit/http/identity.js';
import { type MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import { compileQuery, type SearchPlan } from '../query/compile.js';
import { parseQuery } from '../query/parse.js';
import { QueryError } from '../query/query-error.js';
import { searchQuery } from '../schemas.js';

/**
 * `GET /mail/search?q=&cursor=&limit=` → `{ messages, nextCursor, truncated }`: the user's own
 * messages matching `q`, best first by bm25 (`score`: SQLite's bm25, lower is better), or newest
 * first with `score: null` when `q` has no words to rank. `truncated`: more than 2,000 messages
 * matched and the newest 2,000 were ranked (narrow with `before:` to reach older ones).
 */
export function createSearchRoutes(deps: MailDeps): Route[] {
  const { store } = deps;
  const search = defineRoute({
    method: 'GET',
    path: '/mail/search',
    query: searchQuery,
    handler(ctx) {
      const userId = requireUser(ctx);
      const { q, limit } = ctx.query;
      const plan = planOf(q);
      const scope = `search:${q}`;
      const cursor = ctx.query.cursor === undefined ? undefined : decodeCursor(ctx.query.cursor, scope);
      const range = store.range(userId);
      if (!range) return { messages: [], nextCursor: null, truncated: false };
      const found = store.search(range, plan, { ...(cursor ? { after: cursor.score === undefined ? { id: cursor.id } : { id: cursor.id, score: cursor.score } } : {}), limit });
      ctx.attributes.hits = found.hits.length;
      const scores = new Map(found.hits.map((hit) => [hit.id, hit.score]));
      const messages = store.summaries(userId, found.hits.map((hit) => hit.id)).map((summary) => ({ ...summary, score: scores.get(summary.id) ?? null }));
      const last = found.hits.at(-1);
      const nextCursor = found.more && last ? encodeCursor(last.score === null ? { id: last.id } : { id: last.id, score: last.score }, scope) : null;
      return { messages, nextCursor, truncated: found.truncated };
    },
  });
  return [search];
}

/** Parses and compiles `q`; a malformed query is 400 MAIL_QUERY_INVALID with its position, never an SQLite error. */
function planOf(q: string): SearchPlan {
  try {
    return compileQuery(parseQuery(q));
  } catch (error) {
    if (error instanceof QueryError) throw mailErrors.MAIL_QUERY_INVALID({ details: [{ path: 'query.q', message: error.message }] });
    throw error;
  }
}

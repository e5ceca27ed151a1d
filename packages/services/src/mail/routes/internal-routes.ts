import { defineRoute, type Route } from '../../kit/http/router.js';
import type { MailDeps } from '../deps.js';
import * as z from '../../kit/zod.js';

/** Query of `GET /mail/internal/inbox`: whose inbox, and how many messages (newest first). */
const inboxQuery = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 20),
});

/**
 * `GET /mail/internal/inbox?userId=&limit=` (scope `mail.read`) → `{ messages }`: the newest
 * inbox summaries of a user, each `from` with the sender's `userId` (absent for the system's own
 * messages). Service to service only: the graphql service reads it for the user the gateway named.
 */
export function createInternalRoutes(deps: Pick<MailDeps, 'store'>): Route[] {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/mail/internal/inbox',
      scope: 'mail.read',
      query: inboxQuery,
      handler({ query, attributes }) {
        const messages = store.listMailbox(query.userId, 'inbox', { limit: query.limit });
        attributes.messages = messages.length;
        return { messages };
      },
    }),
  ];
}

import { z } from 'zod';
import { defineRoute, type Route } from '../../kit/http/router.js';
import type { MailDeps } from '../deps.js';

/** Query of `GET /mail/internal/inbox`: whose inbox, and how many messages (newest first). */
const inboxQuery = z.object({
  userId: z.string().min(1).max(64),
  limit: z.coerce.number().int().min(1).max(50).default(20),
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

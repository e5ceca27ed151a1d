import type { DomainEvent } from '../contract/events-api.js';
import type { EventConsumerOptions } from '../kit/events/event-consumer.js';
import type { EventHandlers } from '../kit/events/event-handlers.js';
import type { AccountStore } from './account-store.js';
import type { DirectoryCache } from './users.js';

/**
 * What mail does with auth's domain events, in its database: `user.deleted` deletes the user's
 * mailbox, contacts and groups and shows the mail they sent others as from `Deleted user`
 * (effect `{ messages, contacts, groups, anonymised }`); `user.updated` shows their new first
 * name on the mail they sent (effect `{ messages }`).
 */
export function mailEventHandlers(store: Pick<AccountStore, 'deleteUser' | 'renameSender'>): EventHandlers {
  return {
    'user.deleted': (event) => store.deleteUser(event.data.userId, event.data.username),
    'user.updated': (event) => store.renameSender(event.data.userId, event.data.username, event.data.firstName),
  };
}

/**
 * The per-instance part: each mail instance caches users on its own, so each one forgets a
 * deleted user and refreshes a renamed one (new mail then shows the new name), whichever
 * instance applied the event to the shared database.
 */
export function refreshUserCache(cache: DirectoryCache): NonNullable<EventConsumerOptions['onEvent']> {
  return (event: DomainEvent) => {
    if (event.type === 'user.deleted') cache.forget((event as DomainEvent<'user.deleted'>).data);
    else if (event.type === 'user.updated') cache.update((event as DomainEvent<'user.updated'>).data);
  };
}

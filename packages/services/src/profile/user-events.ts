import type { EventHandlers } from '../kit/events/event-handlers.js';
import type { ProfileStore } from './store.js';

/** What profile does with auth's domain events: a deleted user's profile and preferences go (effect `{ profiles, preferences }`). */
export function profileEventHandlers(store: Pick<ProfileStore, 'deleteUser'>): EventHandlers {
  return {
    'user.deleted': (event) => store.deleteUser(event.data.userId),
  };
}

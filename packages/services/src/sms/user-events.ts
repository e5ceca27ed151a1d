import type { EventHandlers } from '../kit/events/event-handlers.js';
import type { SmsStore } from './store.js';

/** What sms does with auth's domain events: the messages sent to a deleted user go (effect `{ messages }`). */
export function smsEventHandlers(store: Pick<SmsStore, 'deleteUser'>): EventHandlers {
  return {
    'user.deleted': (event) => store.deleteUser(event.data.userId),
  };
}

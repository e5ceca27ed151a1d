import { chatCloseCodes } from '../contract/chat-api.js';
import type { DomainEvent } from '../contract/events-api.js';
import type { EventConsumerOptions } from '../kit/events/event-consumer.js';
import type { EventHandlers } from '../kit/events/event-handlers.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { SocketHub } from './socket-hub.js';
import type { ChatStore } from './store.js';

/**
 * What chat does with auth's domain events: a deleted user is anonymised in history (their
 * messages stay, so conversations keep their shape, without their id or text; effect
 * `{ messages, rooms }`). Deleting the rows would leave answers without their question.
 */
export function chatEventHandlers(store: Pick<ChatStore, 'anonymiseUser'>): EventHandlers {
  return {
    'user.deleted': (event) => store.anonymiseUser(event.data.userId),
  };
}

/**
 * The per-instance part of `user.deleted`: every socket of that user on this instance is closed
 * with 4401 `account deleted` (each instance holds its own sockets, so each one runs it, whichever
 * instance applied the event to the shared database).
 */
export function endDeletedUserSessions(hub: Pick<SocketHub, 'connections'>, telemetry: Telemetry): NonNullable<EventConsumerOptions['onEvent']> {
  return (event: DomainEvent) => {
    if (event.type !== 'user.deleted') return;
    const { userId } = (event as DomainEvent<'user.deleted'>).data;
    for (const connection of [...hub.connections()]) {
      if (connection.userId !== userId) continue;
      telemetry.event('chat.session.ended', { userId, connection: connection.id, reason: 'deleted' });
      connection.socket.close(chatCloseCodes.sessionEnded, 'account deleted');
    }
  };
}

import type { DomainEvent, DomainEventType } from '../../contract/events-api.js';
import type { EventEffect } from './consumer-store.js';

/** What a service does with each event type, in its own tables (inside the apply transaction). Types without a handler are recorded with an empty effect. */
export type EventHandlers = { readonly [K in DomainEventType]?: (event: DomainEvent<K>) => EventEffect };

/** The handler of `type` among `handlers`, for any event; a type without one changes nothing (`{}`). */
export function eventHandlerOf(handlers: EventHandlers, type: string): (event: DomainEvent) => EventEffect {
  return (handlers[type as DomainEventType] as ((event: DomainEvent) => EventEffect) | undefined) ?? (() => ({}));
}

/** Whether `value` has the shape of a DomainEvent (its data is the handler's to check). */
export function isDomainEvent(value: unknown): value is DomainEvent {
  const event = value as Partial<DomainEvent> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    Number.isSafeInteger(event.seq) &&
    event.seq! > 0 &&
    typeof event.eventId === 'string' &&
    typeof event.type === 'string' &&
    typeof event.occurredAt === 'number' &&
    typeof event.data === 'object' &&
    event.data !== null
  );
}

import type { BusClient } from '../clients/bus-client.js';
import type { ServiceConfig } from '../config.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { SqliteDatabase } from '../sqlite.js';
import type { Telemetry } from '../telemetry.js';
import { openConsumerStore, type ConsumerStore } from './consumer-store.js';
import { createEventConsumer, type EventConsumer, type EventConsumerOptions } from './event-consumer.js';
import type { EventHandlers } from './event-handlers.js';
import { createEventLogReader } from './event-log.js';

/** Options of createDomainEvents. */
export interface DomainEventsOptions {
  readonly config: Pick<ServiceConfig, 'service' | 'instanceId'>;
  /** The service's own database: the applied events are recorded beside the data they changed. */
  readonly db: SqliteDatabase;
  readonly handlers: EventHandlers;
  readonly onEvent?: EventConsumerOptions['onEvent'];
  readonly bus: Pick<BusClient, 'subscribe'>;
  /** A caller attaching service tokens (ServiceDeps.createServiceCaller): the log needs `auth.events.read`. */
  readonly caller: ServiceCaller;
  readonly telemetry: Telemetry;
}

/** A service's consumer of auth's domain events, and the record of what it applied. */
export interface DomainEvents {
  /** For the app's `GET /<service>/internal/events/applied`. */
  readonly applied: ConsumerStore;
  /** Started in the app's `start`, once the catalog is loaded; closed before the database. */
  readonly consumer: EventConsumer;
}

/** Wires a service to auth's domain events: its applied-events table in `db`, the bus and auth's log (what a service's `main.ts` calls). */
export function createDomainEvents(options: DomainEventsOptions): DomainEvents {
  const { config } = options;
  const applied = openConsumerStore(options.db);
  const consumer = createEventConsumer({
    service: config.service,
    instanceId: config.instanceId,
    store: applied,
    handlers: options.handlers,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    bus: options.bus,
    readLog: createEventLogReader({ caller: options.caller }),
    telemetry: options.telemetry,
  });
  return { applied, consumer };
}

import type { AppliedEvent, AppliedEventsPage, DomainEvent, DomainEventType, EventLogPage } from '@topolab/services/contract';
import { HttpRequestFailure, sendHttpRequest } from '../client/http-request.js';
import { runtimeError } from '../errors/error-codes.js';
import { formatHttpUrl } from '../topology/addresses.js';
import { eventConsumerServices, mergeEventStatus, type ConsumerReport, type ControlEvents } from './event-status.js';

/** What readEvents needs to know of an instance: an InstanceInfo, or a scenario's ScenarioInstance. */
export interface EventSourceInstance {
  readonly id: string;
  readonly service: string;
  /** Only `ready` instances are asked. */
  readonly state: string;
  readonly host: string;
  readonly port: number;
}

/** Where events are read: the instances, and the runtime's service tokens (the routes are internal). */
export interface EventSource {
  instances(): readonly EventSourceInstance[];
  serviceToken(audience: string): Promise<string>;
}

/** Options of readEvents. */
export interface ReadEventsOptions {
  /** Events with a greater seq. @default 0 */
  readonly after?: number;
  /** Most events answered. @default 100 */
  readonly limit?: number;
  /** Only events of this type. */
  readonly type?: DomainEventType;
  /** Per request to an instance. @default 2000 */
  readonly timeoutMs?: number;
}

// Pages read at most per question: 20 000 events of the log, 10 000 applied per consumer.
const maxLogPages = 20;
const maxAppliedPages = 10;
const pageSize = 1000;

/** Why asking one instance failed, said without secrets: `timeout`, `HTTP 403 HTTP_SERVICE_SCOPE_MISSING`. */
class AskFailure extends Error {}

async function ask<T>(instance: EventSourceInstance, path: string, token: string, timeoutMs: number): Promise<T> {
  let answer;
  try {
    answer = await sendHttpRequest({ url: `${formatHttpUrl(instance.host, instance.port)}${path}`, headers: { authorization: `Bearer ${token}` }, timeoutMs });
  } catch (error) {
    if (error instanceof HttpRequestFailure) throw new AskFailure(`${instance.id}: ${error.failure}`, { cause: error });
    throw error;
  }
  if (answer.status !== 200) {
    const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
    throw new AskFailure(`${instance.id}: HTTP ${answer.status}${code ? ` ${code}` : ''}`);
  }
  return answer.body as T;
}

/** Asks each ready instance of `service` in turn until one answers; AskFailure with the last reason otherwise. */
async function askAny<T>(ready: readonly EventSourceInstance[], read: (instance: EventSourceInstance) => Promise<T>): Promise<{ instance: EventSourceInstance; value: T }> {
  let failure: AskFailure | undefined;
  for (const instance of ready) {
    try {
      return { instance, value: await read(instance) };
    } catch (error) {
      if (!(error instanceof AskFailure)) throw error;
      failure = error;
    }
  }
  throw failure ?? new AskFailure('no ready instance');
}

const readyOf = (source: EventSource, service: string) => source.instances().filter((instance) => instance.service === service && instance.state === 'ready');

async function readLog(source: EventSource, after: number, limit: number, type: DomainEventType | undefined, timeoutMs: number): Promise<EventLogPage> {
  const ready = readyOf(source, 'auth');
  if (ready.length === 0) throw runtimeError('CONTROL_EVENTS_UNAVAILABLE');
  const token = await source.serviceToken('auth');
  const events: DomainEvent[] = [];
  let latestSeq = after;
  try {
    // With a type filter, read on until `limit` events of that type or the end of the log.
    for (let page = 0, cursor = after; page < maxLogPages && events.length < limit; page++) {
      const size = type === undefined ? limit - events.length : pageSize;
      const { value } = await askAny(ready, (auth) => ask<EventLogPage>(auth, `/auth/internal/events?after=${cursor}&limit=${size}`, token, timeoutMs));
      latestSeq = value.latestSeq;
      events.push(...value.events.filter((event) => type === undefined || event.type === type).slice(0, limit - events.length));
      const last = value.events.at(-1);
      if (!last || last.seq >= value.latestSeq) break;
      cursor = last.seq;
    }
  } catch (error) {
    if (!(error instanceof AskFailure)) throw error;
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `auth did not answer with its event log (${error.message}).`, cause: error });
  }
  return { events, latestSeq };
}

async function readConsumer(source: EventSource, service: string, after: number, through: number, timeoutMs: number): Promise<ConsumerReport> {
  const ready = readyOf(source, service);
  if (ready.length === 0) return { service, state: 'unreachable', reason: 'no ready instance' };
  let token: string;
  try {
    token = await source.serviceToken(service);
  } catch {
    return { service, state: 'unreachable', reason: 'no service token (is auth ready?)' };
  }
  const readFrom = async (instance: EventSourceInstance) => {
    const applied: AppliedEvent[] = [];
    let cursor = 0;
    for (let page = 0, from = after; page < maxAppliedPages; page++) {
      const answer = await ask<AppliedEventsPage>(instance, `/${service}/internal/events/applied?after=${from}&limit=${pageSize}`, token, timeoutMs);
      applied.push(...answer.events);
      cursor = answer.cursor;
      const last = answer.events.at(-1);
      if (!last || answer.events.length < pageSize || last.seq >= through) break;
      from = last.seq;
    }
    return { applied, cursor };
  };
  try {
    const { instance, value } = await askAny(ready, readFrom);
    return { service, state: 'reachable', instanceId: instance.id, cursor: value.cursor, applied: value.applied };
  } catch (error) {
    if (!(error instanceof AskFailure)) throw error;
    return { service, state: 'unreachable', reason: error.message };
  }
}

/**
 * Reads auth's event log (the first ready auth instance that answers, with the runtime's token
 * for `auth.events.read`) and, from each consumer service running in the topology, what it
 * applied; folds both into one state per event and consumer. CONTROL_EVENTS_UNAVAILABLE when
 * no auth instance is ready, CONTROL_UPSTREAM_FAILED when none answers; a consumer that does
 * not answer is `unreachable`, never an error.
 */
export async function readEvents(source: EventSource, options: ReadEventsOptions = {}): Promise<ControlEvents> {
  const after = options.after ?? 0;
  const timeoutMs = options.timeoutMs ?? 2000;
  const log = await readLog(source, after, options.limit ?? 100, options.type, timeoutMs);
  const through = log.events.at(-1)?.seq ?? after;
  const services = new Set(source.instances().map((instance) => instance.service));
  const consumers = eventConsumerServices.filter((service) => services.has(service));
  const reports = await Promise.all(consumers.map((service) => readConsumer(source, service, after, through, timeoutMs)));
  return mergeEventStatus(log, reports);
}

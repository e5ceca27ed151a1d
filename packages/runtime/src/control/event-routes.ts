import { domainEventTypes, type DomainEventType } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { ControlEvents } from '../events/event-status.js';
import { readEvents } from '../events/read-events.js';
import type { ControlRoute } from './control-routes.js';

const knownTypes: readonly string[] = Object.values(domainEventTypes);

/** Reads an integer query parameter in [min, max], or `fallback` when absent; CONTROL_INVALID_REQUEST otherwise. */
function integerParam(query: URLSearchParams, name: string, range: { min: number; max: number; fallback: number }): number {
  const raw = query.get(name);
  if (raw === null) return range.fallback;
  const value = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || value < range.min || value > range.max) {
    throw runtimeError('CONTROL_INVALID_REQUEST', { message: `Expected ${name} to be a whole number from ${range.min} to ${range.max}, got ${raw.slice(0, 20)}.` });
  }
  return value;
}

/**
 * `GET /v1/events?after=SEQ&limit=N&type=TYPE` → `ControlEvents`: auth's domain events after
 * SEQ (limit 1–1000, default 100), each with its state at every consumer service (applied with
 * its lag, pending, or unreachable). 503 CONTROL_EVENTS_UNAVAILABLE without a ready auth.
 */
export const eventRoutes: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: '/v1/events',
    async handle({ query, topology }): Promise<ControlEvents> {
      const after = integerParam(query, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
      const limit = integerParam(query, 'limit', { min: 1, max: 1000, fallback: 100 });
      const type = query.get('type');
      if (type !== null && !knownTypes.includes(type)) {
        throw runtimeError('CONTROL_INVALID_REQUEST', { message: `Expected type to be one of ${knownTypes.join(', ')}, got ${type.slice(0, 40)}.` });
      }
      return readEvents(topology, { after, limit, ...(type === null ? {} : { type: type as DomainEventType }) });
    },
  },
];

import type { EventLogPage } from '../../contract/events-api.js';
import type { ServiceCaller } from '../discovery/service-caller.js';

/** Auth's event log could not be read (no instance, a failure, an unexpected answer). */
export class EventLogUnavailableError extends Error {
  override readonly name = 'EventLogUnavailableError';
}

/** Reads one page of auth's durable event log: the events with a seq above `after`, oldest first. */
export type ReadEventLog = (after: number, limit: number) => Promise<EventLogPage>;

/** Options of createEventLogReader. */
export interface EventLogReaderOptions {
  /** A caller that attaches this instance's service token (scope `auth.events.read`). */
  readonly caller: ServiceCaller;
  /** @default 1000 */
  readonly timeoutMs?: number;
}

/** Where auth serves its event log. */
export const eventLogPath = '/auth/internal/events';

/** Reads auth's event log through the registry (`GET /auth/internal/events?after=&limit=`). */
export function createEventLogReader(options: EventLogReaderOptions): ReadEventLog {
  const timeoutMs = options.timeoutMs ?? 1000;
  return async (after, limit) => {
    let answer;
    try {
      answer = await options.caller.call<EventLogPage>({ service: 'auth', method: 'GET', path: `${eventLogPath}?after=${after}&limit=${limit}`, timeoutMs });
    } catch (error) {
      throw new EventLogUnavailableError('auth could not be reached', { cause: error });
    }
    if (answer.status !== 200 || !Array.isArray(answer.body?.events) || typeof answer.body.latestSeq !== 'number') {
      throw new EventLogUnavailableError(`auth answered ${answer.status} to an event log read`);
    }
    return answer.body;
  };
}

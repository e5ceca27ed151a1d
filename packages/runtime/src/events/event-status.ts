import type { AppliedEvent, DomainEvent, EventLogPage } from '@topolab/services/contract';

/** The services that apply auth's domain events, in the order `topolab events` shows them. */
export const eventConsumerServices = Object.freeze(['profile', 'mail', 'sms', 'chat'] as const);

/** Where one consumer service stands with one event. */
export type EventDelivery =
  /** Applied: when and by which instance (absent for an event below the consumer's cursor it no longer lists). */
  | {
      readonly state: 'applied';
      /** Epoch ms. */
      readonly appliedAt?: number;
      /** `profile#2`. */
      readonly appliedBy?: string;
      /** appliedAt - occurredAt: how long the system was inconsistent for this service. */
      readonly lagMs?: number;
      /** What applying it changed (counts). */
      readonly effect?: Readonly<Record<string, number>>;
    }
  /** Not applied yet (the consumer answered). */
  | { readonly state: 'pending' }
  /** No instance of the consumer answered: unknown. */
  | { readonly state: 'unreachable' };

/** One event of auth's log with its state at every consumer asked. */
export type EventStatus = DomainEvent & {
  /** By consumer service (`profile`, `mail`, …). */
  readonly consumers: Readonly<Record<string, EventDelivery>>;
};

/** What one consumer service answered, or why it did not. */
export type ConsumerReport =
  | {
      readonly service: string;
      readonly state: 'reachable';
      /** The instance that answered. */
      readonly instanceId: string;
      /** Every event up to this seq is applied. */
      readonly cursor: number;
      /** What it applied after the requested seq. */
      readonly applied: readonly AppliedEvent[];
    }
  | {
      readonly service: string;
      readonly state: 'unreachable';
      /** `no ready instance`, `profile#1: timeout`, `profile#1: HTTP 403`. */
      readonly reason: string;
    };

/** `GET /v1/events` answer. */
export interface ControlEvents {
  readonly events: readonly EventStatus[];
  /** The newest seq in auth's log (0 when empty). */
  readonly latestSeq: number;
  /** Each consumer service that runs in the topology: its cursor and instance, or why it could not be read. */
  readonly consumers: readonly ConsumerSummary[];
}

/** A ConsumerReport without the applied list (that is folded into each event). */
export type ConsumerSummary = Exclude<ConsumerReport, { state: 'reachable' }> | Omit<Extract<ConsumerReport, { state: 'reachable' }>, 'applied'>;

/** Folds what each consumer applied into auth's events: applied (with lag), pending or unreachable. */
export function mergeEventStatus(log: EventLogPage, reports: readonly ConsumerReport[]): ControlEvents {
  const bySeq = reports.map((report) => (report.state === 'reachable' ? new Map(report.applied.map((applied) => [applied.seq, applied])) : undefined));
  const events = log.events.map((event): EventStatus => {
    const consumers: Record<string, EventDelivery> = {};
    reports.forEach((report, i) => {
      consumers[report.service] = deliveryOf(event, report, bySeq[i]);
    });
    return { ...event, consumers };
  });
  const consumers = reports.map((report): ConsumerSummary => {
    if (report.state === 'unreachable') return report;
    const { applied: _applied, ...summary } = report;
    return summary;
  });
  return { events, latestSeq: log.latestSeq, consumers };
}

function deliveryOf(event: DomainEvent, report: ConsumerReport, applied: ReadonlyMap<number, AppliedEvent> | undefined): EventDelivery {
  if (report.state === 'unreachable' || !applied) return { state: 'unreachable' };
  const found = applied.get(event.seq);
  if (found && found.eventId === event.eventId) {
    return { state: 'applied', appliedAt: found.appliedAt, appliedBy: found.appliedBy, lagMs: found.appliedAt - event.occurredAt, effect: found.effect };
  }
  return event.seq <= report.cursor ? { state: 'applied' } : { state: 'pending' };
}

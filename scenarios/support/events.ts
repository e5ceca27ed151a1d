import type { AppliedEvent, DomainEvent, ScenarioContext } from '@topolab/runtime/dsl';

/** Where one consumer service stands with one event, as `topolab events` shows it. */
export type Consistency =
  /** Applied: its record (when, by which instance, what it changed). */
  | { readonly state: 'applied'; readonly record: AppliedEvent }
  /** An instance answered: not applied yet. */
  | { readonly state: 'pending'; readonly cursor: number }
  /** No ready instance answered. */
  | { readonly state: 'unreachable'; readonly reason: string };

/** Reads auth's event log and the consumers' applied events through their internal routes, with the runtime's service tokens. */
export interface EventWatch {
  /** The event with `seq` as auth logged it. */
  logged(seq: number): Promise<DomainEvent>;
  /** Where `service` stands with the event `seq`. */
  consistency(service: string, seq: number): Promise<Consistency>;
  /** Waits until each of `services` applied `seq`; their records, by service. */
  waitUntilApplied(services: readonly string[], seq: number, timeout?: number): Promise<Map<string, AppliedEvent>>;
}

/** An EventWatch over `ctx`: what `topolab events` reads (`ctx.topology.domainEvents`), with the runtime's service tokens. */
export function watchEvents(ctx: ScenarioContext): EventWatch {
  // Event `seq` as `topolab events` shows it: auth's record, and where each consumer stands.
  async function statusOf(seq: number) {
    const { events, consumers } = await ctx.topology.domainEvents({ after: seq - 1, limit: 1 });
    const event = events.find((candidate) => candidate.seq === seq);
    if (!event) throw new Error(`auth's log has no event ${seq}`);
    return { event, consumers };
  }

  function consistencyIn({ event, consumers }: Awaited<ReturnType<typeof statusOf>>, service: string): Consistency {
    const delivery = event.consumers[service];
    const summary = consumers.find((consumer) => consumer.service === service);
    if (delivery?.state === 'applied' && delivery.appliedAt !== undefined && delivery.appliedBy !== undefined) {
      return { state: 'applied', record: { seq: event.seq, eventId: event.eventId, type: event.type, appliedAt: delivery.appliedAt, appliedBy: delivery.appliedBy, effect: delivery.effect ?? {} } };
    }
    if (summary?.state === 'reachable') return { state: 'pending', cursor: summary.cursor };
    return { state: 'unreachable', reason: summary?.state === 'unreachable' ? summary.reason : 'no ready instance answers' };
  }

  const watch: EventWatch = {
    logged: async (seq) => (await statusOf(seq)).event,
    consistency: async (service, seq) => consistencyIn(await statusOf(seq), service),
    async waitUntilApplied(services, seq, timeout = 5000) {
      const records = new Map<string, AppliedEvent>();
      await ctx.waitFor(
        async () => {
          // One read of the log and every consumer per check, as `topolab events` does.
          const status = await statusOf(seq);
          for (const service of services) {
            const state = consistencyIn(status, service);
            if (state.state === 'applied') records.set(service, state.record);
          }
          return records.size === services.length;
        },
        { timeout, interval: 10, message: `${services.join(', ')} to apply event ${seq}` },
      );
      return records;
    },
  };
  return watch;
}

/**
 * Sends `GET path` to one instance as the gateway forwards a request of `userId`: with an
 * identity assertion the runtime signs with the gateways' key (the user's own token may be
 * revoked by now): what that service holds for the user.
 */
export function askAsUser(ctx: ScenarioContext, instanceId: string, path: string, userId: string): Promise<{ status: number; body: unknown }> {
  return ctx.topology.request(instanceId, { path, asUser: userId });
}

/** `profile 23 ms (profile#2) · mail 31 ms (mail#1)`: each service's lag (applied − occurred), for a note. */
export function describeLags(event: Pick<DomainEvent, 'occurredAt'>, records: ReadonlyMap<string, AppliedEvent>): string {
  return [...records].map(([service, record]) => `${service} ${record.appliedAt - event.occurredAt} ms (${record.appliedBy})`).join(' · ');
}

import { formatHttpUrl, sendHttpRequest, type AppliedEvent, type DomainEvent, type ScenarioContext } from '@topolab/runtime';

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

/** An EventWatch over `ctx` (one service token per audience, fetched once). */
export function watchEvents(ctx: ScenarioContext): EventWatch {
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (audience: string) => {
    let token = tokens.get(audience);
    if (!token) tokens.set(audience, (token = ctx.topology.serviceToken(audience)));
    return token;
  };

  // Asks each ready instance of `service` in turn; undefined when none answers 200.
  async function ask<T>(service: string, path: string): Promise<{ body: T; instanceId: string } | undefined> {
    const ready = ctx.topology.instances().filter((instance) => instance.service === service && instance.state === 'ready');
    const authorization = `Bearer ${await tokenFor(service)}`;
    for (const instance of ready) {
      const answer = await sendHttpRequest({ url: `${formatHttpUrl(instance.host, instance.port)}${path}`, headers: { authorization }, timeoutMs: 1000 }).catch(() => undefined);
      if (answer?.status === 200) return { body: answer.body as T, instanceId: instance.id };
    }
    return undefined;
  }

  const watch: EventWatch = {
    async logged(seq) {
      const page = await ask<{ events: DomainEvent[] }>('auth', `/auth/internal/events?after=${seq - 1}&limit=1`);
      const event = page?.body.events.find((candidate) => candidate.seq === seq);
      if (!event) throw new Error(`auth's log has no event ${seq}`);
      return event;
    },
    async consistency(service, seq) {
      const page = await ask<{ events: AppliedEvent[]; cursor: number }>(service, `/${service}/internal/events/applied?after=${seq - 1}&limit=1`);
      if (!page) return { state: 'unreachable', reason: 'no ready instance answers' };
      const record = page.body.events.find((event) => event.seq === seq);
      return record ? { state: 'applied', record } : { state: 'pending', cursor: page.body.cursor };
    },
    async waitUntilApplied(services, seq, timeout = 5000) {
      const records = new Map<string, AppliedEvent>();
      await ctx.waitFor(
        async () => {
          const missing = services.filter((service) => !records.has(service));
          for (const [i, state] of (await Promise.all(missing.map((service) => watch.consistency(service, seq)))).entries()) {
            if (state.state === 'applied') records.set(missing[i]!, state.record);
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

/** Sends `GET path` to one instance as the gateway forwards a request of `userId` (`x-user-id`): what that service holds for the user. */
export async function askAsUser(ctx: ScenarioContext, instanceId: string, path: string, userId: string): Promise<{ status: number; body: unknown }> {
  const info = ctx.topology.instances().find((instance) => instance.id === instanceId);
  if (info === undefined) throw new Error(`No instance is called ${instanceId}.`);
  return sendHttpRequest({ url: `${formatHttpUrl(info.host, info.port)}${path}`, headers: { 'x-user-id': userId }, timeoutMs: 2000 });
}

/** `profile 23 ms (profile#2) · mail 31 ms (mail#1)`: each service's lag (applied − occurred), for a note. */
export function describeLags(event: Pick<DomainEvent, 'occurredAt'>, records: ReadonlyMap<string, AppliedEvent>): string {
  return [...records].map(([service, record]) => `${service} ${record.appliedAt - event.occurredAt} ms (${record.appliedBy})`).join(' · ');
}

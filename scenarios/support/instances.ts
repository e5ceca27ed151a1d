import type { ScenarioContext } from '@topolab/runtime/dsl';

/** The running instance `instanceId` (`profile#1`) as the topology lists it; throws when there is none. */
export function instanceOf(ctx: ScenarioContext, instanceId: string): ReturnType<ScenarioContext['topology']['instances']>[number] {
  const instance = ctx.topology.instances().find((candidate) => candidate.id === instanceId);
  if (instance === undefined) throw new Error(`No instance is called ${instanceId}.`);
  return instance;
}

/**
 * Requests `instanceId` has answered so far (its server spans, counted by the topology across
 * restarts of that id). Spans travel over IPC, so a count lags the answers by a few ms: wait
 * for the count, never compare it right after a request.
 */
export function requestsServed(ctx: ScenarioContext, instanceId: string): number {
  return instanceOf(ctx, instanceId).requests;
}

/** Requests served by each of `ids` so far, by id. */
export function requestCounts(ctx: ScenarioContext, ids: readonly string[]): Map<string, number> {
  return new Map(ids.map((id) => [id, requestsServed(ctx, id)]));
}

/** How many more requests each of `ids` served than in `before`. */
export function countsSince(ctx: ScenarioContext, before: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...before].map(([id, count]) => [id, requestsServed(ctx, id) - count]));
}

/** `profile#1 12 · profile#3 11`, for a note. */
export function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([id, count]) => `${id} ${count}`).join(' · ');
}

/** The ids of the running instances of `service`, in start order. */
export function instanceIdsOf(ctx: ScenarioContext, service: string): string[] {
  return ctx.topology
    .instances()
    .filter((instance) => instance.service === service)
    .map((instance) => instance.id);
}

/** Sends `GET path` straight to one instance, around the gateway and the registry. */
export function askInstance(ctx: ScenarioContext, instanceId: string, path = '/health'): Promise<{ status: number; body: unknown }> {
  return ctx.topology.request(instanceId, { path });
}

/** Waits until the registry's catalog lists exactly the instances `check` accepts; resolves with the ids. */
export function waitForCatalog(ctx: ScenarioContext, service: Parameters<ScenarioContext['topology']['registered']>[0], check: (ids: readonly string[]) => boolean, message: string, timeout = 5000): Promise<readonly string[]> {
  return ctx.waitFor(
    async () => {
      const ids = await ctx.topology.registered(service);
      return check(ids) ? ids : undefined;
    },
    { timeout, message },
  );
}

/** The server-side load balancer's instance: the embedded `lb#1`, or `nginx#1` with `--lb nginx`. */
export function lbInstanceOf(ctx: Pick<ScenarioContext, 'backends'>): string {
  return ctx.backends.lb === 'nginx' ? 'nginx#1' : 'lb#1';
}

import { Resolver } from 'node:dns/promises';
import { defineScenario, type ScenarioContext } from '@topolab/runtime/dsl';

/** `dig @dns#1 www.topolab.test` from the scenario: the A records and their TTL. */
async function lookUp(ctx: ScenarioContext): Promise<{ addresses: string[]; ttl: number }> {
  const dns = ctx.edge.dns;
  if (!dns) throw new Error('The topology runs no dns#1.');
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`${dns.host}:${dns.port}`]);
  const records = await resolver.resolve4(dns.name, { ttl: true });
  return { addresses: records.map((record) => record.address).sort(), ttl: Math.min(...records.map((record) => record.ttl)) };
}

const hostOf = (url: string) => new URL(url).hostname;

/**
 * Seed 000's "DNS gives IP address for gateway", with two gateways: dns#1 is authoritative for
 * topolab.test and answers www.topolab.test with one A record per registered gateway, straight
 * from the registry. A client by name spreads over the records; a killed gateway's record is
 * gone once the registry evicts it, and a client that dials it meanwhile moves to the next record.
 */
export default defineScenario({
  name: 'dns-round-robin',
  summary: 'www.topolab.test has one A record per ready gateway: clients by name spread over both; kill one and its record is gone after eviction, with no failed request.',
  topology: { replicas: { gateway: 2 } },
  async run(ctx) {
    const dns = ctx.edge.dns;
    ctx.expect(dns).toBeDefined();
    const gatewayHosts = ctx.gateways.map((gateway) => hostOf(gateway.url)).sort();

    await ctx.step('www.topolab.test answers one A record per gateway', async () => {
      const found = await ctx.waitFor(async () => {
        const answer = await lookUp(ctx);
        return answer.addresses.length === 2 ? answer : undefined;
      }, { timeout: 3000, message: 'two A records' });
      ctx.expect(found.addresses).toEqual(gatewayHosts);
      ctx.note(`dig @${dns?.host} -p ${dns?.port} ${dns?.name} → ${found.addresses.join(', ')} (TTL ${found.ttl} s)`);
    });

    await ctx.step('requests by name start with the lookup and alternate between the two gateways', async () => {
      const served = new Map<string, number>();
      let sawLookup = false;
      for (let i = 0; i < 6; i++) {
        const answer = await ctx.gateway.get('/health');
        ctx.expect(answer).toHaveStatus(200);
        const hops = await ctx.hops(answer);
        if (hops[0]?.service === 'dns') sawLookup = true;
        const gateway = hops.find((hop) => hop.service === 'gateway');
        if (gateway) served.set(gateway.instanceId, (served.get(gateway.instanceId) ?? 0) + 1);
      }
      ctx.expect(sawLookup).toBe(true);
      ctx.expect(served.get('gateway#1')).toBeGreaterThan(0);
      ctx.expect(served.get('gateway#2')).toBeGreaterThan(0);
      ctx.note(`served by ${[...served].map(([id, n]) => `${id} ×${n}`).join(', ')}`);
    });

    const killedAt = await ctx.step('gateway#2 is killed (SIGKILL)', async () => {
      await ctx.topology.kill('gateway#2');
      return Date.now();
    });

    await ctx.step('its A record is gone once the registry evicts it', async () => {
      const left = await ctx.waitFor(async () => {
        const answer = await lookUp(ctx);
        return answer.addresses.length === 1 ? answer : undefined;
      }, { timeout: 5000, interval: 20, message: 'one A record left' });
      const removedMs = Date.now() - killedAt;
      ctx.expect(left.addresses).toEqual([hostOf(ctx.gateways[0]!.url)]);
      ctx.measure('record removed', removedMs, 'ms');
      ctx.note(`${removedMs} ms after the kill: missed heartbeats, eviction, the registry's push to dns#1`);
    });

    await ctx.step('clients by name keep working: every request is served by gateway#1', async () => {
      let failed = 0;
      for (let i = 0; i < 6; i++) {
        const answer = await ctx.gateway.get('/health');
        if (answer.status !== 200) failed += 1;
        const gateway = (await ctx.hops(answer)).find((hop) => hop.service === 'gateway');
        ctx.expect(gateway?.instanceId).toBe('gateway#1');
      }
      ctx.measure('failed requests', failed, 'requests');
      ctx.expect(failed).toBe(0);
    });

    await ctx.step('gateway#2 restarts and its record comes back', async () => {
      await ctx.topology.restart('gateway#2');
      const back = await ctx.waitFor(async () => {
        const answer = await lookUp(ctx);
        return answer.addresses.length === 2 ? answer : undefined;
      }, { timeout: 5000, message: 'two A records again' });
      ctx.expect(back.addresses).toEqual(gatewayHosts);
    });
  },
});

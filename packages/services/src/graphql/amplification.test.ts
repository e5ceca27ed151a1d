import { describe, expect, it } from 'vitest';
import { jsonOf, recordTelemetry, serveForTest } from '#test-support/kit.js';
import { asUser, createTestIdentityVerifier } from '#test-support/kit-identity.js';
import { createGraphqlApp } from './app.js';
import { defaultRunLimits } from './run-query.js';
import { createFakeCaller } from '#test-support/graphql.js';

/** The hostile query of issue 24: 140 aliased `me { inbox(limit: 1) { id } }` (3.8 KB, cost 420, under 2000 tokens). */
const aliasFlood = `{ ${Array.from({ length: 140 }, (_, i) => `m${i}: me { inbox(limit: 1) { id } }`).join(' ')} }`;

/** The composed question of seed 004. */
const composed = '{ me { profile { displayName } inbox(limit: 10) { subject from { username profile { displayName } } } } }';

async function callsFor(query: string, limits: Parameters<typeof createGraphqlApp>[0]['limits'] = {}) {
  const caller = createFakeCaller();
  const { server } = createGraphqlApp({ caller, telemetry: recordTelemetry('graphql').telemetry, identity: createTestIdentityVerifier('graphql'), limits });
  const { url } = await serveForTest(server);
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await asUser('u-viewer', 'graphql')) }, body: JSON.stringify({ query }) });
  const body = await jsonOf(response);
  return { calls: caller.calls.length, code: body.errors?.[0]?.extensions?.code as string | undefined };
}

// FIGURE (issue 24): upstream calls per request, printed by
// `npx vitest run packages/services/src/graphql/amplification.test.ts` (before the limits: 140 and 3).
describe('graphql amplification (issue 24)', () => {
  it('refuses the 140-alias query without a call; lifted limits, the loaders make it one call; prints the figures', async () => {
    expect(aliasFlood.length).toBeGreaterThan(3700);
    const flood = await callsFor(aliasFlood);
    expect(flood).toEqual({ calls: 0, code: 'GRAPHQL_TOO_MANY_ALIASES' });
    const lifted = await callsFor(aliasFlood, { maxAliases: 140, maxCalls: 140 });
    expect(lifted).toEqual({ calls: 1, code: undefined });
    const fifteen = await callsFor(`{ ${aliasFlood.slice(2).split(' m15:')[0]} }`);
    expect(fifteen).toEqual({ calls: 1, code: undefined });
    const composedCalls = await callsFor(composed);
    expect(composedCalls.code).toBeUndefined();
    console.log(
      `upstream calls per request: 140-alias query ${flood.calls} (${flood.code}), with the alias and call limits lifted ${lifted.calls}, ` +
        `15 aliases ${fifteen.calls}, composed query ${composedCalls.calls} (budget ${defaultRunLimits.maxCalls})`,
    );
  });
});

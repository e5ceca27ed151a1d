import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceManifest, type ServiceName, type ServiceSpec } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
// The compiled runtime: its loader registers Node module hooks, which vitest's own module runner would bypass.
import { loadScenarios, runScenarios } from '../dist/index.js';
import type { TopologyModes } from '../src/index.js';

// The suite proves the product works only if breaking the product makes it fail: here the
// real scenarios run against a topology with one service swapped for a sabotaged build.
const builtInDir = fileURLToPath(new URL('../../../scenarios/dist/', import.meta.url));
const sabotage = (file: string) => fileURLToPath(new URL(`./fixtures/sabotage/${file}`, import.meta.url));

function manifestWith(service: ServiceName, entry: string): readonly ServiceSpec[] {
  return serviceManifest.map((spec) => (spec.name === service ? { ...spec, entry } : spec));
}

async function runBuiltIn(name: string, modes: TopologyModes, manifest?: readonly ServiceSpec[]) {
  const scenarios = await loadScenarios({ builtInDir, selectors: [name] });
  return runScenarios({ scenarios: scenarios.map((loaded) => loaded.scenario), modes, ...(manifest ? { topologyDefaults: { manifest } } : {}) });
}

// The compiled suite is part of the build: without it this fails rather than skips.
if (!existsSync(builtInDir)) throw new Error(`The scenario suite is not built (${builtInDir} is missing): run \`npx --yes pnpm@10 build\` first.`);

describe('the scenario suite catches a broken product', () => {
  it('heartbeat-failover passes against the real registry and fails against one that never evicts', async () => {
    const modes = { discovery: 'client', auth: 'remote' } as const;
    const healthy = await runBuiltIn('heartbeat-failover', modes);
    expect(healthy.scenarios.map((run) => run.status)).toEqual(['passed']);
    const broken = await runBuiltIn('heartbeat-failover', modes, manifestWith('registry', sabotage('registry-never-evicts.mjs')));
    expect(broken.scenarios.map((run) => run.status)).toEqual(['failed']);
    expect(broken.scenarios[0]!.error?.code).toBe('SCENARIO_WAIT_TIMEOUT');
  });

  it('token-revocation fails in local mode when the bus stops delivering revocations', async () => {
    const modes = { discovery: 'client', auth: 'local' } as const;
    const healthy = await runBuiltIn('token-revocation', modes);
    expect(healthy.scenarios.map((run) => run.status)).toEqual(['passed']);
    const broken = await runBuiltIn('token-revocation', modes, manifestWith('bus', sabotage('bus-drops-messages.mjs')));
    expect(broken.scenarios.map((run) => run.status)).toEqual(['failed']);
    expect(broken.scenarios[0]!.error).toMatchObject({ code: 'SCENARIO_WAIT_TIMEOUT', step: expect.stringContaining('log out') });
  });
});

import { describe, expect, it } from 'vitest';
import { defineScenario } from './dsl.js';
import { planRuns } from './runner.js';
import { describeScenarioModes, fitsModes, matrixModesOf } from './scenario-modes.js';

const run = async () => undefined;
const any = defineScenario({ name: 'any-mode', summary: 'Runs anywhere.', run });
const cached = defineScenario({ name: 'cached', summary: 'Needs a token cache.', modes: { auth: ['local', 'sidecar'] }, run });
const serverOnly = defineScenario({ name: 'server-only', summary: 'Needs the lb.', modes: { discovery: ['server'], auth: ['remote'] }, run });

describe('scenario modes', () => {
  it('fit the modes a scenario lists, every mode of an axis it does not', () => {
    expect(fitsModes(any, { discovery: 'server', auth: 'global' })).toBe(true);
    expect(fitsModes(cached, { discovery: 'client', auth: 'local' })).toBe(true);
    expect(fitsModes(cached, { discovery: 'client', auth: 'remote' })).toBe(false);
    expect(matrixModesOf(any)).toHaveLength(8);
    expect(matrixModesOf(cached)).toEqual([
      { discovery: 'client', auth: 'local' },
      { discovery: 'client', auth: 'sidecar' },
      { discovery: 'server', auth: 'local' },
      { discovery: 'server', auth: 'sidecar' },
    ]);
    expect(describeScenarioModes(any)).toBe('every mode');
    expect(describeScenarioModes(cached)).toBe('auth local, sidecar');
    expect(describeScenarioModes(serverOnly)).toBe('discovery server · auth remote');
  });

  it('plan one run per scenario in the single mode (skipping misfits), or the matrix', () => {
    const single = planRuns([any, cached, serverOnly], undefined);
    expect(single.map((planned) => [planned.scenario.name, planned.skip === undefined])).toEqual([['any-mode', true], ['cached', false], ['server-only', false]]);
    expect(single[1]?.skip).toContain('discovery client · auth remote');
    expect(planRuns([cached], { auth: 'sidecar' }).map((planned) => planned.skip)).toEqual([undefined]);
    const matrix = planRuns([any, cached, serverOnly], 'matrix');
    expect(matrix).toHaveLength(8 + 4 + 1);
    expect(matrix.every((planned) => planned.skip === undefined)).toBe(true);
    expect(planRuns([any, cached], undefined, 'cach').map((planned) => planned.scenario.name)).toEqual(['cached']);
    expect(planRuns([any, cached], undefined, /^any/).map((planned) => planned.scenario.name)).toEqual(['any-mode']);
    expect(() => planRuns([any], { auth: 'psychic' as 'local' })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_MODE' }));
  });

  it('plan the matrix with an axis fixed (`run --matrix --discovery server`), skipping a scenario with no pair left', () => {
    const server = planRuns([any, cached, serverOnly], { matrix: { discovery: 'server' } });
    expect(server.filter((planned) => !planned.skip).map((planned) => `${planned.scenario.name} ${planned.modes.discovery}/${planned.modes.auth}`)).toEqual([
      'any-mode server/remote',
      'any-mode server/local',
      'any-mode server/global',
      'any-mode server/sidecar',
      'cached server/local',
      'cached server/sidecar',
      'server-only server/remote',
    ]);
    const local = planRuns([any, serverOnly], { matrix: { auth: 'local' } });
    expect(local.map((planned) => planned.skip === undefined)).toEqual([true, true, false]);
    expect(local[2]?.skip).toContain('no mode combination');
    expect(() => planRuns([any], { matrix: { discovery: 'dns' as 'client' } })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_MODE' }));
  });
});

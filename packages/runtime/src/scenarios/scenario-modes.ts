import { authModeNames, discoveryModeNames, type TopologyModes } from '@topolab/services/contract';
import type { Scenario } from './dsl.js';

/** Whether `scenario` may run in `modes` (a mode axis it does not list allows every mode). */
export function fitsModes(scenario: Pick<Scenario, 'modes'>, modes: TopologyModes): boolean {
  const allowed = scenario.modes ?? {};
  return (allowed.discovery?.includes(modes.discovery) ?? true) && (allowed.auth?.includes(modes.auth) ?? true);
}

/** Every discovery × auth pair `scenario` fits, discovery first, in the order the names are declared. */
export function matrixModesOf(scenario: Pick<Scenario, 'modes'>): TopologyModes[] {
  return discoveryModeNames.flatMap((discovery) => authModeNames.map((auth) => ({ discovery, auth }))).filter((modes) => fitsModes(scenario, modes));
}

/** `every mode`, or `discovery client · auth local, global`: the modes a scenario fits, for people. */
export function describeScenarioModes(scenario: Pick<Scenario, 'modes'>): string {
  const discovery = scenario.modes?.discovery;
  const auth = scenario.modes?.auth;
  const parts = [
    ...(discovery === undefined || discoveryModeNames.every((name) => discovery.includes(name)) ? [] : [`discovery ${discovery.join(', ') || 'none'}`]),
    ...(auth === undefined || authModeNames.every((name) => auth.includes(name)) ? [] : [`auth ${auth.join(', ') || 'none'}`]),
  ];
  return parts.length === 0 ? 'every mode' : parts.join(' · ');
}

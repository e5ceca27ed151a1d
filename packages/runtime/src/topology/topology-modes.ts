import { authModeNames, discoveryModeNames, envNames, type TopologyModes } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

export { authModeNames, discoveryModeNames, type AuthModeName, type DiscoveryModeName, type TopologyModes } from '@topolab/services/contract';

/** The modes a topology starts with when none are named: client-side discovery, remote auth. */
export const defaultModes: TopologyModes = Object.freeze({ discovery: 'client', auth: 'remote' });

/** A change of modes as a caller writes it (values not yet checked); an omitted mode stays. */
export interface ModesChange {
  readonly discovery?: unknown;
  readonly auth?: unknown;
}

/**
 * Applies `change` to `base` and checks both names; an unknown one is TOPOLOGY_INVALID_MODE
 * (exit 2) with the valid values in the message. The result is frozen.
 */
export function validateModes(change: ModesChange, base: TopologyModes = defaultModes): TopologyModes {
  return Object.freeze({
    discovery: checkName('discovery', change.discovery ?? base.discovery, discoveryModeNames),
    auth: checkName('auth', change.auth ?? base.auth, authModeNames),
  });
}

/** The variables that tell a gateway its modes at start. */
export function modesEnv(modes: TopologyModes): Record<string, string> {
  return { [envNames.discoveryMode]: modes.discovery, [envNames.authMode]: modes.auth };
}

/** `discovery client · auth remote`. */
export function formatModes(modes: TopologyModes): string {
  return `discovery ${modes.discovery} · auth ${modes.auth}`;
}

function checkName<T extends string>(what: 'discovery' | 'auth', value: unknown, names: readonly T[]): T {
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  const shown = typeof value === 'string' ? value.slice(0, 40) : typeof value;
  throw runtimeError('TOPOLOGY_INVALID_MODE', {
    message: `Unknown ${what} mode "${shown}"; expected one of ${names.join(', ')}.`,
    details: { [what]: shown, valid: names },
  });
}

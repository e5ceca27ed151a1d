import { acceptedAuthModeNames, discoveryModeNames, envNames, type TopologyModes } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

export { authModeNames, discoveryModeNames, type AuthModeName, type DiscoveryModeName, type TopologyModes } from '@topolab/services/contract';

/** The modes a topology starts with when none are named: client-side discovery, remote auth. */
export const defaultModes: TopologyModes = Object.freeze({ discovery: 'client', auth: 'remote' });

/** A change of modes as a caller writes it (values not yet checked); an omitted mode stays. */
export interface ModesChange {
  readonly discovery?: unknown;
  readonly auth?: unknown;
}

/** What validateModes accepts besides the usual names. */
export interface ValidateModesOptions {
  /** The bench's opt-in: the bench-only auth mode `none` is accepted. @default false */
  readonly noAuth?: boolean;
}

/**
 * Applies `change` to `base` and checks both names; an unknown one is TOPOLOGY_INVALID_MODE
 * (exit 2) with the valid values in the message. `none` counts as unknown unless the bench
 * opted in (`options.noAuth`); it is then carried in `auth` though the type names only the
 * four designs, which is all any topology but the bench's can hold. The result is frozen.
 */
export function validateModes(change: ModesChange, base: TopologyModes = defaultModes, options: ValidateModesOptions = {}): TopologyModes {
  return Object.freeze({
    discovery: checkName('discovery', change.discovery ?? base.discovery, discoveryModeNames),
    auth: checkName('auth', change.auth ?? base.auth, acceptedAuthModeNames(options.noAuth ?? false)) as TopologyModes['auth'],
  });
}

/** Whether the `env` of a topology carries the bench's opt-in to the auth mode `none`. */
export function allowsNoAuth(env: Readonly<Record<string, string>>): boolean {
  return env[envNames.benchNoAuth] === '1';
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

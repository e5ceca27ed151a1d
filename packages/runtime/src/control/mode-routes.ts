import { runtimeError } from '../errors/error-codes.js';
import { authModeNames, discoveryModeNames, type TopologyModes } from '../topology/topology-modes.js';
import type { ControlRoute } from './control-routes.js';

/** `GET /v1/modes` answer: the modes in force and every value each may take. */
export interface ControlModes {
  readonly modes: TopologyModes;
  readonly choices: { readonly discovery: readonly string[]; readonly auth: readonly string[] };
}

/** `POST /v1/modes` answer. */
export interface ControlModesChanged {
  readonly modes: TopologyModes;
  readonly previous: TopologyModes;
}

const choices = { discovery: discoveryModeNames, auth: authModeNames };

/** `GET /v1/modes` and `POST /v1/modes { discovery?, auth? }` (every gateway switches; 400 TOPOLOGY_INVALID_MODE for an unknown name). */
export const modeRoutes: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: '/v1/modes',
    handle: ({ topology }): ControlModes => ({ modes: topology.modes(), choices }),
  },
  {
    method: 'POST',
    path: '/v1/modes',
    async handle({ topology, body }): Promise<ControlModesChanged> {
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw runtimeError('CONTROL_INVALID_REQUEST', { message: 'Expected a JSON object such as {"discovery":"server"}.' });
      }
      const { discovery, auth } = (body ?? {}) as { discovery?: unknown; auth?: unknown };
      const previous = topology.modes();
      const modes = await topology.setModes({ discovery, auth });
      return { modes, previous };
    },
  },
];

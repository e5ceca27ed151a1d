import { runtimeError } from '../errors/error-codes.js';
import { isFaultAction } from '../topology/faults.js';
import type { ControlRoute } from './control-routes.js';

/**
 * `POST /v1/instances/:id/:action` (kill, stop, pause, resume, restart, zombie, unzombie) and
 * `POST /v1/services/:name/scale { replicas }`. Answers the FaultResult or ScaleResult.
 */
export const faultRoutes: readonly ControlRoute[] = [
  {
    method: 'POST',
    path: '/v1/instances/:id/:action',
    handle({ topology, params }) {
      const action = params.action ?? '';
      if (!isFaultAction(action)) throw runtimeError('CONTROL_NOT_FOUND', { message: `No fault is called ${action.slice(0, 40)}.`, hint: 'Faults: kill, stop, pause, resume, restart, zombie, unzombie.' });
      return topology.fault(action, params.id ?? '');
    },
  },
  {
    method: 'POST',
    path: '/v1/services/:name/scale',
    handle({ topology, params, body }) {
      const replicas = (body as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number') throw runtimeError('CONTROL_INVALID_REQUEST', { message: 'Expected a JSON body such as {"replicas":3}.' });
      return topology.scale(params.name ?? '', replicas);
    },
  },
];

import type { RegisterRequest, RegisterResponse } from '../contract/registry-api.js';
import { ServiceError } from '../kit/errors.js';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import { registryErrors } from './errors.js';
import { registerRequestSchema } from './schemas.js';
import type { RegisterOutcome, RegistryStore } from './store.js';
import type { WatchHub } from './watch.js';

/** What the registry's routes need. */
export interface RegistryRouteDeps {
  readonly store: RegistryStore;
  readonly hub: WatchHub;
  readonly heartbeatMs: number;
  /** heartbeatMs × missedHeartbeats. */
  readonly leaseMs: number;
  readonly telemetry: Telemetry;
}

/** The registry's HTTP API: instances, catalog, services, watch, health. */
export function createRegistryRoutes(deps: RegistryRouteDeps): Route[] {
  const { store, hub, heartbeatMs, leaseMs, telemetry } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/instances',
      body: registerRequestSchema,
      handler: ({ body, attributes }) => {
        attributes.instance = body.instanceId;
        const { created } = registerOrWarn(store, body, telemetry);
        const answer: RegisterResponse = { instanceId: body.instanceId, heartbeatMs, leaseMs };
        return reply(created ? 201 : 200, answer);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/v1/instances/:id/heartbeat',
      handler: ({ params }) => {
        store.heartbeat(params.id ?? '');
        return { leaseMs };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/instances/:id',
      handler: ({ params }) => {
        store.deregister(params.id ?? '');
        return undefined;
      },
    }),
    defineRoute({ method: 'GET', path: '/v1/catalog', handler: () => store.catalog() }),
    defineRoute({
      method: 'GET',
      path: '/v1/services/:name',
      handler: ({ params }) => {
        const found = store.service(params.name ?? '');
        if (!found) throw registryErrors.REGISTRY_SERVICE_UNKNOWN();
        return found;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/watch',
      handler: ({ method, res }) => {
        if (method === 'HEAD') {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end();
          return;
        }
        hub.subscribe(res, { catalog: store.catalog() });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/health',
      handler: () => ({ status: 'ok', instances: store.size, version: store.version }),
    }),
  ];
}

// A refused registration (two services claiming one prefix) is a topology bug the operator must see, not only the caller.
function registerOrWarn(store: RegistryStore, request: RegisterRequest, telemetry: Telemetry): RegisterOutcome {
  try {
    return store.register(request);
  } catch (error) {
    if (error instanceof ServiceError) {
      telemetry.warn('registration refused', { errorCode: error.code, service: request.service, instanceId: request.instanceId, reason: error.message });
    }
    throw error;
  }
}

import { findServiceSpec } from '../contract/manifest.js';
import type { RegisterRequest, RegisterResponse } from '../contract/registry-api.js';
import { clientService } from '../contract/service-auth.js';
import { ServiceError } from '../kit/errors.js';
import type { ServiceTokenClaims } from '../kit/service-auth/guard.js';
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
  /**
   * Whether leases need a service token (`registry.register`, checked by the server's guard): main.ts
   * always; in-process tests of other parts may run an open registry. @default false
   */
  readonly guarded?: boolean;
}

/**
 * Whether the client of a service token may hold the lease of `instanceId`, registered as
 * `service`: its own (`mail#1` for `mail#1`, as `mail`), or one of a service it registers for
 * (nginx-sync for `nginx#1`, registered as `lb`: the manifest's `registeredBy` and `registersAs`).
 */
export function mayHoldLease(caller: Pick<ServiceTokenClaims, 'clientId'>, instanceId: string, service?: string): boolean {
  const owner = clientService(instanceId);
  const spec = findServiceSpec(owner);
  if (service !== undefined && service !== (spec?.registersAs ?? owner)) return false;
  if (caller.clientId === instanceId) return true;
  return spec?.registeredBy !== undefined && spec.registeredBy === clientService(caller.clientId);
}

/**
 * Whether an instance of `service` may claim the route prefix `prefix`: `/<service>` and the
 * prefixes under it only. The gateway sends a path to the longest prefix covering it, so a
 * claim on `/auth/login` would take auth's logins.
 */
export function mayClaimPrefix(service: string, prefix: string): boolean {
  return prefix === `/${service}` || prefix.startsWith(`/${service}/`);
}

/** The registry's HTTP API: instances, catalog, services, watch, health. */
export function createRegistryRoutes(deps: RegistryRouteDeps): Route[] {
  const { store, hub, heartbeatMs, leaseMs, telemetry } = deps;
  const scope = deps.guarded ? ({ scope: 'registry.register' } as const) : {};
  // With a guard, a lease is its holder's: a token of mail#1 cannot register, keep alive or remove profile#1.
  const assertHolder = (caller: ServiceTokenClaims | undefined, instanceId: string, service?: string) => {
    if (!deps.guarded || (caller && mayHoldLease(caller, instanceId, service))) return;
    telemetry.warn('lease refused', { caller: caller?.clientId, instanceId });
    throw registryErrors.REGISTRY_REGISTRATION_FORBIDDEN({ message: `The service token of ${caller?.clientId ?? 'nobody'} may not hold the lease of ${instanceId}.` });
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/instances',
      body: registerRequestSchema,
      ...scope,
      handler: ({ body, attributes, caller }) => {
        attributes.instance = body.instanceId;
        assertHolder(caller, body.instanceId, body.service);
        const foreign = deps.guarded ? body.routes.find((route) => !mayClaimPrefix(body.service, route.prefix)) : undefined;
        if (foreign) {
          telemetry.warn('route claim refused', { caller: caller?.clientId, instanceId: body.instanceId, prefix: foreign.prefix });
          throw registryErrors.REGISTRY_PREFIX_FORBIDDEN({ message: `${body.service} may not claim the route prefix ${foreign.prefix}: only /${body.service} and the prefixes under it.` });
        }
        const { created } = registerOrWarn(store, body, telemetry);
        const answer: RegisterResponse = { instanceId: body.instanceId, heartbeatMs, leaseMs };
        return reply(created ? 201 : 200, answer);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/v1/instances/:id/heartbeat',
      ...scope,
      handler: ({ params, caller }) => {
        assertHolder(caller, params.id ?? '');
        store.heartbeat(params.id ?? '');
        return { leaseMs };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/instances/:id',
      ...scope,
      handler: ({ params, caller }) => {
        assertHolder(caller, params.id ?? '');
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

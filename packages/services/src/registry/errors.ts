import { defineErrors } from '../kit/errors.js';

/** Every error code the registry answers with besides the kit's `HTTP_*` codes. */
export const registryErrors = defineErrors({
  REGISTRY_ROUTE_CONFLICT: {
    status: 409,
    message: 'A route prefix of this registration belongs to another service.',
    hint: 'Give each service its own route prefixes.',
  },
  REGISTRY_INSTANCE_UNKNOWN: {
    status: 404,
    message: 'The registry does not know this instance.',
    hint: 'Register again with POST /v1/instances (the lease client does this by itself).',
  },
  REGISTRY_REGISTRATION_FORBIDDEN: {
    status: 403,
    message: 'This service token may not hold a lease for this instance.',
    hint: 'An instance registers, heartbeats and deregisters only itself (nginx-sync registers nginx); use its own service token.',
  },
  REGISTRY_PREFIX_FORBIDDEN: {
    status: 403,
    message: 'A route prefix of this registration is not its service’s own.',
    hint: 'A service claims /<service> and the prefixes under it only: the gateway sends a path to the longest prefix that covers it.',
  },
  REGISTRY_SERVICE_UNKNOWN: {
    status: 404,
    message: 'No instance of this service has ever registered.',
    hint: 'See GET /v1/catalog for the known services.',
  },
});

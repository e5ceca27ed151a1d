import { defineErrors } from '../kit/errors.js';

/** Every error code the registry answers with besides the kit's `HTTP_*` codes. */
export const registryErrors = defineErrors({
  REGISTRY_ROUTE_CONFLICT: [409, 'A route prefix of this registration belongs to another service.', 'Give each service its own route prefixes.'],
  REGISTRY_INSTANCE_UNKNOWN: [404, 'The registry does not know this instance.', 'Register again with POST /v1/instances (the lease client does this by itself).'],
  REGISTRY_REGISTRATION_FORBIDDEN: [403, 'This service token may not hold a lease for this instance.', 'An instance registers, heartbeats and deregisters only itself (nginx-sync registers nginx); use its own service token.'],
  REGISTRY_PREFIX_FORBIDDEN: [403, 'A route prefix of this registration is not its service’s own.', 'A service claims /<service> and the prefixes under it only: the gateway sends a path to the longest prefix that covers it.'],
  REGISTRY_SERVICE_UNKNOWN: [404, 'No instance of this service has ever registered.', 'See GET /v1/catalog for the known services.'],
});

import { defineErrors } from '../kit/errors.js';

/** Every error code the lb answers with besides the kit's `HTTP_*` codes. */
export const lbErrors = defineErrors({
  LB_ROUTE_NOT_FOUND: [404, 'No service serves this path through the lb.', 'See the route table in the registry (GET /v1/catalog); internal routes are not reachable through the lb.'],
  LB_UPGRADE_UNSUPPORTED: [400, 'The lb switches protocols only to WebSocket.', 'Send a WebSocket handshake (GET with Connection: Upgrade and Upgrade: websocket).'],
  LB_BODY_TOO_LARGE: [413, 'The request body is larger than the limit.', 'Send at most 1 MiB.'],
  LB_BODY_TIMEOUT: [408, 'The client stopped sending the request body.', 'Send the body without pauses longer than the client body timeout (10 s; 3 s with --timings compressed); the connection is closed.'],
  LB_CATALOG_UNAVAILABLE: [503, 'The lb has not loaded the route table yet.', 'Check that the registry is running; the lb retries by itself.'],
  LB_NO_INSTANCE: [503, 'No live instance serves this route.', 'Start or scale up the service; see GET /v1/catalog in the registry.'],
  LB_UPSTREAM_UNREACHABLE: [502, 'The instance chosen for this request refused the connection.', 'The instance is down; the lb avoids it until the registry reports a change.'],
  LB_UPSTREAM_TIMEOUT: [504, 'The upstream instance did not answer in time.', 'The instance may be hung or overloaded; the request may still have taken effect.'],
  LB_UPSTREAM_FAILED: [502, 'The upstream instance failed before answering.', 'See the upstream instance log; the request may have taken effect.'],
});

import { defineErrors } from '../kit/errors.js';

/** Every error code the lb answers with besides the kit's `HTTP_*` codes. */
export const lbErrors = defineErrors({
  LB_ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No service serves this path through the lb.',
    hint: 'See the route table in the registry (GET /v1/catalog); internal routes are not reachable through the lb.',
  },
  LB_UPGRADE_UNSUPPORTED: {
    status: 400,
    message: 'The lb switches protocols only to WebSocket.',
    hint: 'Send a WebSocket handshake (GET with Connection: Upgrade and Upgrade: websocket).',
  },
  LB_BODY_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than the limit.',
    hint: 'Send at most 1 MiB.',
  },
  LB_BODY_TIMEOUT: {
    status: 408,
    message: 'The client stopped sending the request body.',
    hint: 'Send the body without pauses longer than the client body timeout (10 s; 3 s with --timings compressed); the connection is closed.',
  },
  LB_CATALOG_UNAVAILABLE: {
    status: 503,
    message: 'The lb has not loaded the route table yet.',
    hint: 'Check that the registry is running; the lb retries by itself.',
  },
  LB_NO_INSTANCE: {
    status: 503,
    message: 'No live instance serves this route.',
    hint: 'Start or scale up the service; see GET /v1/catalog in the registry.',
  },
  LB_UPSTREAM_UNREACHABLE: {
    status: 502,
    message: 'The instance chosen for this request refused the connection.',
    hint: 'The instance is down; the lb avoids it until the registry reports a change.',
  },
  LB_UPSTREAM_TIMEOUT: {
    status: 504,
    message: 'The upstream instance did not answer in time.',
    hint: 'The instance may be hung or overloaded; the request may still have taken effect.',
  },
  LB_UPSTREAM_FAILED: {
    status: 502,
    message: 'The upstream instance failed before answering.',
    hint: 'See the upstream instance log; the request may have taken effect.',
  },
});

import { defineErrors } from '../kit/errors.js';

/** Every error code the gateway answers with besides the kit's `HTTP_*` codes. */
export const gatewayErrors = defineErrors({
  GATEWAY_PATH_INVALID: {
    status: 400,
    message: 'The request path is not allowed.',
    hint: 'Send an origin-form path without dot segments, encoded slashes, backslashes, control characters or empty segments.',
  },
  GATEWAY_ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No service serves this path through the gateway.',
    hint: 'See the route table in the registry (GET /v1/catalog); internal routes are not reachable from outside.',
  },
  GATEWAY_UPGRADE_UNSUPPORTED: {
    status: 400,
    message: 'The gateway switches protocols only to WebSocket.',
    hint: 'Send a WebSocket handshake (GET with Connection: Upgrade and Upgrade: websocket), or the request without Upgrade.',
  },
  GATEWAY_BODY_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than the limit.',
    hint: 'Send at most 1 MiB.',
  },
  GATEWAY_BODY_TIMEOUT: {
    status: 408,
    message: 'The client stopped sending the request body.',
    hint: 'Send the body without pauses longer than the client body timeout (10 s; 3 s with --timings compressed); the connection is closed.',
  },
  GATEWAY_UNAUTHENTICATED: {
    status: 401,
    message: 'This route needs an access token.',
    hint: 'Send Authorization: Bearer <access token> (log in first); a browser WebSocket sends it as the subprotocols bearer, <access token>.',
  },
  GATEWAY_TOKEN_INVALID: {
    status: 401,
    message: 'The access token is not valid (expired, revoked or unknown).',
    hint: 'Log in again or refresh the token.',
  },
  GATEWAY_CLIENT_BLOCKED: {
    status: 403,
    message: 'This client address is blocked for a while after too many refused requests.',
    hint: 'Wait for the number of seconds in Retry-After; repeated 401 and 429 answers lead to a block.',
  },
  GATEWAY_RATE_LIMITED: {
    status: 429,
    message: 'Too many requests from this client or user.',
    hint: 'Wait for the number of seconds in Retry-After, then send fewer requests per second.',
  },
  GATEWAY_AUTH_UNAVAILABLE: {
    status: 503,
    message: 'The gateway cannot check access tokens right now.',
    hint: 'Check that an auth instance is running and registered.',
  },
  GATEWAY_CATALOG_UNAVAILABLE: {
    status: 503,
    message: 'The gateway has not loaded the route table yet.',
    hint: 'Check that the registry is running; the gateway retries by itself.',
  },
  GATEWAY_NO_INSTANCE: {
    status: 503,
    message: 'No live instance serves this route.',
    hint: 'Start or scale up the service; see GET /v1/catalog in the registry.',
  },
  GATEWAY_UPSTREAM_UNREACHABLE: {
    status: 502,
    message: 'The instance chosen for this request refused the connection.',
    hint: 'The instance is down; the gateway avoids it until the registry reports a change.',
  },
  GATEWAY_UPSTREAM_TIMEOUT: {
    status: 504,
    message: 'The upstream instance did not answer in time.',
    hint: 'The instance may be hung or overloaded; the request may still have taken effect.',
  },
  GATEWAY_UPSTREAM_FAILED: {
    status: 502,
    message: 'The upstream instance failed before answering.',
    hint: 'See the upstream instance log; the request may have taken effect.',
  },
});

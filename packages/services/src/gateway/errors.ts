import { defineErrors } from '../kit/errors.js';

/** Every error code the gateway answers with besides the kit's `HTTP_*` codes. */
export const gatewayErrors = defineErrors({
  GATEWAY_PATH_INVALID: [400, 'The request path is not allowed.', 'Send an origin-form path without dot segments, encoded slashes, backslashes, control characters or empty segments.'],
  GATEWAY_ROUTE_NOT_FOUND: [404, 'No service serves this path through the gateway.', 'See the route table in the registry (GET /v1/catalog); internal routes are not reachable from outside.'],
  GATEWAY_UPGRADE_UNSUPPORTED: [400, 'The gateway switches protocols only to WebSocket.', 'Send a WebSocket handshake (GET with Connection: Upgrade and Upgrade: websocket), or the request without Upgrade.'],
  GATEWAY_BODY_TOO_LARGE: [413, 'The request body is larger than the limit.', 'Send at most 1 MiB.'],
  GATEWAY_BODY_TIMEOUT: [408, 'The client stopped sending the request body.', 'Send the body without pauses longer than the client body timeout (10 s; 3 s with --timings compressed); the connection is closed.'],
  GATEWAY_UNAUTHENTICATED: [401, 'This route needs an access token.', 'Send Authorization: Bearer <access token> (log in first); a browser WebSocket sends it as the subprotocols bearer, <access token>.'],
  GATEWAY_TOKEN_INVALID: [401, 'The access token is not valid (expired, revoked or unknown).', 'Log in again or refresh the token.'],
  GATEWAY_CLIENT_BLOCKED: [403, 'This client address is blocked for a while after too many refused requests.', 'Wait for the number of seconds in Retry-After; repeated 401 and 429 answers lead to a block.'],
  GATEWAY_RATE_LIMITED: [429, 'Too many requests from this client or user.', 'Wait for the number of seconds in Retry-After, then send fewer requests per second.'],
  GATEWAY_AUTH_UNAVAILABLE: [503, 'The gateway cannot check access tokens right now.', 'Check that an auth instance is running and registered.'],
  GATEWAY_CATALOG_UNAVAILABLE: [503, 'The gateway has not loaded the route table yet.', 'Check that the registry is running; the gateway retries by itself.'],
  GATEWAY_NO_INSTANCE: [503, 'No live instance serves this route.', 'Start or scale up the service; see GET /v1/catalog in the registry.'],
  GATEWAY_UPSTREAM_UNREACHABLE: [502, 'The instance chosen for this request refused the connection.', 'The instance is down; the gateway avoids it until the registry reports a change.'],
  GATEWAY_UPSTREAM_TIMEOUT: [504, 'The upstream instance did not answer in time.', 'The instance may be hung or overloaded; the request may still have taken effect.'],
  GATEWAY_UPSTREAM_FAILED: [502, 'The upstream instance failed before answering.', 'See the upstream instance log; the request may have taken effect.'],
});

// The proxy moved to the kit (the lb uses it too); the gateway's modules keep importing it from here.
export { clientBodyTimeoutOf, createUpstreamProxy, type AttemptOutcome, type ProxyAttempt, type UpstreamProxy, type UpstreamProxyOptions } from '../kit/proxy/upstream-proxy.js';
export type { AttemptFailure } from '../kit/proxy/upstream.js';

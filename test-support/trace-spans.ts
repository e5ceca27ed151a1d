import type { Span } from '../packages/services/src/contract/index.js';

/** The trace id of requestChain's spans. */
export const requestTraceId = 'a'.repeat(32);

/** A server span of gateway#1 in requestTraceId, answered 200 in 12.34 ms, with `overrides`. */
export const traceSpan = (overrides: Partial<Span> & Pick<Span, 'spanId'>): Span => ({
  traceId: requestTraceId,
  service: 'gateway',
  instanceId: 'gateway#1',
  address: '127.0.0.1:8080',
  kind: 'server',
  name: 'POST /auth/login',
  start: 1000,
  durationMs: 12.34,
  status: 200,
  ...overrides,
});

/** One request's spans, caller before callee: gateway server ← client (gateway) ← auth server ← client (auth) ← sms server. */
export const requestChain = {
  gatewayServer: traceSpan({ spanId: 'g0', parentSpanId: 'c0' }),
  gatewayClient: traceSpan({ spanId: 'g1', parentSpanId: 'g0', kind: 'client', start: 1001 }),
  authServer: traceSpan({ spanId: 'a0', parentSpanId: 'g1', service: 'auth', instanceId: 'auth#1', address: '127.0.3.1:4100', start: 1001, durationMs: 9 }),
  authClient: traceSpan({ spanId: 'a1', parentSpanId: 'a0', service: 'auth', instanceId: 'auth#1', kind: 'client', start: 1002 }),
  smsServer: traceSpan({ spanId: 's0', parentSpanId: 'a1', service: 'sms', instanceId: 'sms#1', address: '127.0.4.1:4200', start: 1002, durationMs: 2 }),
} as const;

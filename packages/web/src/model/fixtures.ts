/** Spans and instances for the unit tests. */
import type { DashboardInstance, Span } from '../protocol';

let counter = 0;

/** A span with defaults: a server span of gateway#1 in trace `t1`, unique span id. */
export function span(fields: Partial<Span> & { readonly instanceId?: string } = {}): Span {
  counter += 1;
  const instanceId = fields.instanceId ?? 'gateway#1';
  return {
    traceId: 't1',
    spanId: `s${counter}`,
    service: instanceId.split('#')[0] ?? instanceId,
    instanceId,
    address: '127.0.0.1:1',
    kind: 'server',
    name: 'GET /profile/me',
    start: 1_000,
    durationMs: 10,
    ...fields,
  };
}

/** An instance with defaults: ready, registered, one request. */
export function instance(id: string, fields: Partial<DashboardInstance> = {}): DashboardInstance {
  const service = id.split('#')[0] ?? id;
  return {
    id,
    service,
    kind: ['profile', 'chat', 'sms', 'mail', 'auth', 'graphql'].includes(service) ? 'domain' : 'infrastructure',
    host: '127.0.0.1',
    port: 4000,
    pid: 100,
    state: 'ready',
    condition: undefined,
    zombie: false,
    registers: true,
    registered: true,
    lastHeartbeat: 10_000,
    leaseExpiresAt: 25_000,
    rssMb: 60,
    requests: 1,
    errors: 0,
    ...fields,
  };
}

import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream } from '#test-support/gateway.js';
import { startTestLb } from '#test-support/lb.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/up', access: 'public', service: 'up' },
  { prefix: '/up/big', access: 'public', service: 'up', bodyLimit: 8192 },
];

describe('per-route body limits at the lb', () => {
  it('applies the route limit to declared lengths and replayable bodies, and its own limit elsewhere', async () => {
    const upstream = await closeAfterTest(startEchoUpstream('up#1', '127.0.0.1'));
    const lb = await closeAfterTest(startTestLb({ catalog: createFixedCatalog(buildCatalog(routes, { up: [upstream] })), config: { bodyLimit: 1024 } }));
    const body = (bytes: number) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: 'x'.repeat(bytes) }) });
    expect((await send(lb.port, '/up/big', { method: 'POST', ...body(6000) })).status).toBe(200);
    expect((await send(lb.port, '/up/big', { method: 'PUT', ...body(6000) })).status).toBe(200);
    const over = await send(lb.port, '/up/big', { method: 'PUT', ...body(9000) });
    expect([over.status, errorCode(over)]).toEqual([413, 'LB_BODY_TOO_LARGE']);
    const plain = await send(lb.port, '/up/other', { method: 'POST', ...body(2000) });
    expect([plain.status, errorCode(plain)]).toEqual([413, 'LB_BODY_TOO_LARGE']);
    expect(upstream.requests).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { parseNginxSpanLine } from './nginx-log.js';

const source = { service: 'nginx', instanceId: 'nginx#1', address: '127.0.12.1:8000' };
const line = (fields: Record<string, string>) =>
  JSON.stringify({ topolab: 'span', tp: '', tid: 'a'.repeat(32), sid: 'b'.repeat(16), ms: '1796200000.250', rt: '0.012', st: '200', m: 'GET', u: '/profile/me', svc: 'profile', route: '/profile', up: '127.0.5.1:4001', ust: '200', ...fields });

describe('nginx access-log spans', () => {
  it('turn a line into a server span of nginx#1 under the incoming traceparent', () => {
    const span = parseNginxSpanLine(line({ tp: `00-${'a'.repeat(32)}-${'c'.repeat(16)}-01` }), source);
    expect(span).toEqual({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: 'c'.repeat(16),
      service: 'nginx',
      instanceId: 'nginx#1',
      address: '127.0.12.1:8000',
      kind: 'server',
      name: 'GET /profile/me',
      start: 1796200000250 - 12,
      durationMs: 12,
      status: 200,
      attributes: { route: '/profile', service: 'profile', upstreamAddress: '127.0.5.1:4001' },
    });
  });

  it('count retries from the upstream addresses tried, and start a root span without a traceparent', () => {
    const span = parseNginxSpanLine(line({ up: '127.0.5.2:4002, 127.0.5.1:4001', ust: '502, 200' }), source);
    expect(span?.attributes).toMatchObject({ upstreamAddress: '127.0.5.1:4001', retries: 1 });
    expect(span?.parentSpanId).toBeUndefined();
    expect(parseNginxSpanLine(line({ up: '', svc: '', route: '' }), source)?.attributes).toEqual({});
  });

  it('ignore every other line', () => {
    expect(parseNginxSpanLine('2026/12/02 10:22:00 [notice] 1#1: signal process started', source)).toBeUndefined();
    expect(parseNginxSpanLine('{"topolab":"span", broken', source)).toBeUndefined();
  });
});

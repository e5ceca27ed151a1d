import type { Span } from '@topolab/runtime';
import { describe, expect, it } from 'vitest';
import type { Line } from '../reporters/narration.js';
import { buildHopTree, type RequestTrace } from '@topolab/runtime/trace-model';
import { hopTreeLines, requestRowLine, requestRowOf } from './request-lines.js';

const t0 = new Date(2026, 0, 5, 12, 4, 5).getTime();
const text = (line: Line) => line.map((segment) => segment.text).join('');
const gateway = { service: 'gateway', instanceId: 'gateway#1', address: '127.0.0.1:8080' };

function span(fields: Partial<Span> & Pick<Span, 'spanId' | 'kind' | 'name'>): Span {
  return { traceId: 'trace', service: 'gateway', instanceId: 'gateway#1', address: '127.0.0.1:8080', start: t0, durationMs: 1, ...fields };
}

function trace(spans: Span[]): RequestTrace {
  return { traceId: 'trace', root: spans.find((s) => s.service === 'gateway' && s.kind === 'server')!, spans };
}

/** A GET through the gateway while profile#1 is paused (spans as the real topology sends them, in arrival order). */
const pausedProfileSpans: Span[] = [
  span({ spanId: 'auth-server', parentSpanId: 'auth-call', service: 'auth', instanceId: 'auth#1', address: '127.0.3.1:4000', kind: 'server', name: 'POST /auth/introspect', start: t0 + 1, durationMs: 4.1, status: 200 }),
  span({ ...gateway, spanId: 'auth-call', parentSpanId: 'root', kind: 'client', name: 'auth: POST /auth/introspect', start: t0, durationMs: 5.1, status: 200, attributes: { target: '127.0.3.1:4000', peer: 'auth#1' } }),
  span({ spanId: 'p2-server', parentSpanId: 'attempt-2', service: 'profile', instanceId: 'profile#2', address: '127.0.5.2:4000', kind: 'server', name: 'GET /profile/me', start: t0 + 5008, durationMs: 1.3, status: 200 }),
  span({ ...gateway, spanId: 'attempt-1', parentSpanId: 'root', kind: 'client', name: 'profile: GET /profile/me', start: t0 + 5, durationMs: 5001.9, attributes: { target: '127.0.5.1:4000', peer: 'profile#1', failure: 'timeout' } }),
  span({ ...gateway, spanId: 'root', parentSpanId: 'client', kind: 'server', name: 'GET /profile/me', start: t0, durationMs: 5012.2, status: 200, attributes: { discovery: 'client', auth: 'remote', authResult: 'active', upstream: 'profile#2', retries: 1 } }),
  span({ ...gateway, spanId: 'attempt-2', parentSpanId: 'root', kind: 'client', name: 'profile: GET /profile/me', start: t0 + 5007, durationMs: 4.1, status: 200, attributes: { target: '127.0.5.2:4000', peer: 'profile#2' } }),
];

describe('buildHopTree and hopTreeLines', () => {
  it('shows the timed-out attempt at the paused instance and the retry on the other one, with latencies', () => {
    const tree = buildHopTree(trace(pausedProfileSpans));
    expect(hopTreeLines(tree, 10).map(text)).toEqual([
      'gateway#1  GET /profile/me 200  5.0 s  discovery client · auth remote: active',
      '├─ auth#1  POST /auth/introspect 200  5.1 ms',
      '├─ ✖ profile#1  GET /profile/me  timeout  5.0 s',
      '└─ ↻ profile#2  GET /profile/me 200  4.1 ms  retry',
    ]);
    const summary = requestRowOf('trace', tree);
    expect(summary).toMatchObject({ method: 'GET', path: '/profile/me', status: 200, retries: 1, error: undefined });
    expect(summary.failures.map((hop) => [hop.instanceId, hop.failure])).toEqual([['profile#1', 'timeout']]);
  });

  it('joins the late answer of the resumed instance to its failed attempt', () => {
    const late = span({ spanId: 'p1-server', parentSpanId: 'attempt-1', service: 'profile', instanceId: 'profile#1', kind: 'server', name: 'GET /profile/me', start: t0 + 5050, durationMs: 5.5, status: 200 });
    const lines = hopTreeLines(buildHopTree(trace([...pausedProfileSpans, late])), 10).map(text);
    expect(lines[2]).toBe('├─ ✖ profile#1  GET /profile/me  timeout  5.0 s  answered 200 too late');
    expect(lines).toHaveLength(4);
  });

  it('shows the lb hop in server mode, the token cache and a DNS lookup', () => {
    const spans = [
      span({ spanId: 'dns', parentSpanId: 'client', service: 'dns', instanceId: 'dns#1', kind: 'server', name: 'DNS A www.topolab.test', start: t0 - 2, attributes: { answers: '127.0.0.1' } }),
      span({ spanId: 'root', parentSpanId: 'client', kind: 'server', name: 'GET /profile/me', durationMs: 15, status: 200, attributes: { discovery: 'server', auth: 'global', authResult: 'active', cache: 'hit' } }),
      span({ spanId: 'cache-call', parentSpanId: 'root', kind: 'client', name: 'cache: GET /cache/keys/token%3Ajti', start: t0 + 1, durationMs: 3.3, status: 200, attributes: { peer: 'cache#1' } }),
      span({ spanId: 'cache-server', parentSpanId: 'cache-call', service: 'cache', instanceId: 'cache#1', kind: 'server', name: 'GET /cache/keys/:key', start: t0 + 2, status: 200, attributes: { cache: 'hit' } }),
      span({ spanId: 'lb-call', parentSpanId: 'root', kind: 'client', name: 'profile: GET /profile/me', start: t0 + 5, durationMs: 9.9, status: 200, attributes: { peer: 'lb#1' } }),
      span({ spanId: 'lb-server', parentSpanId: 'lb-call', service: 'lb', instanceId: 'lb#1', kind: 'server', name: 'GET /profile/me', start: t0 + 6, status: 200, attributes: { upstream: 'profile#1' } }),
      span({ spanId: 'lb-attempt', parentSpanId: 'lb-server', service: 'lb', instanceId: 'lb#1', kind: 'client', name: 'profile: GET /profile/me', start: t0 + 7, durationMs: 8.2, status: 200, attributes: { peer: 'profile#1' } }),
      span({ spanId: 'profile', parentSpanId: 'lb-attempt', service: 'profile', instanceId: 'profile#1', kind: 'server', name: 'GET /profile/me', start: t0 + 8, status: 200 }),
    ];
    expect(hopTreeLines(buildHopTree(trace(spans)), 10).map(text)).toEqual([
      'gateway#1  GET /profile/me 200  15 ms  discovery server · auth global: active, cache hit',
      '├─ dns#1 (www.topolab.test → 127.0.0.1)  1.0 ms',
      '├─ cache#1  GET /cache/keys/:key 200  3.3 ms  cache hit',
      '└─ lb#1  GET /profile/me 200  9.9 ms',
      '   └─ profile#1  GET /profile/me 200  8.2 ms',
    ]);
  });

  it('folds the deepest hops into their parent first, then cuts the rest', () => {
    const spans = [
      span({ spanId: 'root', kind: 'server', name: 'POST /mail/send', status: 201 }),
      span({ spanId: 'a', parentSpanId: 'root', service: 'auth', instanceId: 'auth#1', kind: 'server', name: 'POST /auth/introspect', start: t0 + 1, status: 200 }),
      span({ spanId: 'm', parentSpanId: 'root', service: 'mail', instanceId: 'mail#1', kind: 'server', name: 'POST /mail/send', start: t0 + 2, status: 201 }),
      span({ spanId: 'm1', parentSpanId: 'm', service: 'auth', instanceId: 'auth#1', kind: 'server', name: 'POST /auth/internal/users/lookup', start: t0 + 3, status: 200 }),
      span({ spanId: 'm2', parentSpanId: 'm1', service: 'sms', instanceId: 'sms#1', kind: 'server', name: 'GET /sms/x', start: t0 + 4, status: 200 }),
    ];
    const tree = buildHopTree(trace(spans));
    expect(hopTreeLines(tree, 5)).toHaveLength(5);
    expect(hopTreeLines(tree, 4).map(text)).toEqual([
      'gateway#1  POST /mail/send 201  1.0 ms',
      '├─ auth#1  POST /auth/introspect 200  1.0 ms',
      '└─ mail#1  POST /mail/send 201  1.0 ms',
      '   └─ auth#1  POST /auth/internal/users/lookup 200  1.0 ms  +1 hop',
    ]);
    expect(hopTreeLines(tree, 3).map(text)).toEqual([
      'gateway#1  POST /mail/send 201  1.0 ms',
      '├─ auth#1  POST /auth/introspect 200  1.0 ms',
      '└─ mail#1  POST /mail/send 201  1.0 ms  +2 hops',
    ]);
    expect(hopTreeLines(tree, 2).map(text)).toEqual(['gateway#1  POST /mail/send 201  1.0 ms', '   … 2 more']);
  });
});

describe('requestRowLine', () => {
  it('fits a row in the columns given, with the failure, the retry and the error code', () => {
    const tree = buildHopTree(trace(pausedProfileSpans));
    const row = text(requestRowLine(requestRowOf('trace', tree), { columns: 80, selected: true }));
    expect(row).toMatch(/^› 12:04:05 GET {4}\/profile\/me +200 {3}5\.0 s {2}✖ timeout profile#1 · ↻ 1$/);
    expect(row.length).toBeLessThanOrEqual(80);
    const refused = requestRowOf('t', buildHopTree(trace([span({ spanId: 'root', kind: 'server', name: `GET /profile/${'x'.repeat(60)}`, durationMs: 2.2, status: 401, attributes: { error: 'GATEWAY_UNAUTHENTICATED' } })])));
    const line = text(requestRowLine(refused, { columns: 80, selected: false }));
    expect(line).toMatch(/^ {2}12:04:05 GET {4}\/profile\/x+… 401 {2}2\.2 ms {2}GATEWAY_UNAUTHENTICATED$/);
    expect(line.length).toBeLessThanOrEqual(80);
    const narrow = text(requestRowLine(refused, { columns: 60, selected: false }));
    expect(narrow).toHaveLength(60);
    expect(narrow).toMatch(/401 {2}2\.2 ms {2}GATEWAY_UNAUTHE…$/);
  });
});

import { describe, expect, it } from 'vitest';
import { span } from './fixtures';
import { buildWaterfall, notableAttributes } from './waterfall';

describe('buildWaterfall', () => {
  const root = span({ spanId: 'root', start: 1000, durationMs: 100 });
  const call = span({ spanId: 'call', parentSpanId: 'root', kind: 'client', start: 1010, durationMs: 50, name: 'profile: GET /profile/me' });
  const answer = span({ spanId: 'answer', parentSpanId: 'call', instanceId: 'profile#2', start: 1015, durationMs: 40 });
  const auth = span({ spanId: 'auth', parentSpanId: 'root', kind: 'client', start: 1002, durationMs: 5, name: 'auth: introspect' });

  it('orders spans as a tree, siblings by start, with their depth', () => {
    const { rows } = buildWaterfall([answer, call, auth, root], root);
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['root', 0],
      ['auth', 1],
      ['call', 1],
      ['answer', 2],
    ]);
  });

  it('places each bar on the axis from the root start over the whole trace', () => {
    const waterfall = buildWaterfall([root, call, answer], root);
    expect(waterfall.startMs).toBe(1000);
    expect(waterfall.totalMs).toBe(100);
    const answerRow = waterfall.rows.find((row) => row.span.spanId === 'answer')!;
    expect(answerRow.offset).toBeCloseTo(0.15);
    expect(answerRow.width).toBeCloseTo(0.4);
  });

  it('starts the axis at a span before the root (the DNS lookup), and never draws past its end', () => {
    const lookup = span({ spanId: 'dns', instanceId: 'dns#1', parentSpanId: 'outside', start: 990, durationMs: 2 });
    const long = span({ spanId: 'long', parentSpanId: 'root', instanceId: 'chat#1', start: 1090, durationMs: 500 });
    const waterfall = buildWaterfall([root, lookup, long], root);
    expect(waterfall.startMs).toBe(990);
    expect(waterfall.rows[0]?.span.spanId).toBe('dns');
    for (const row of waterfall.rows) expect(row.offset + row.width).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('draws a span id once, and spans whose parent is missing at depth 0', () => {
    const orphan = span({ spanId: 'orphan', parentSpanId: 'missing', instanceId: 'sms#1', start: 1050 });
    const { rows } = buildWaterfall([root, root, orphan], root);
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['root', 0],
      ['orphan', 0],
    ]);
  });

  it('survives a parent cycle and an empty trace', () => {
    const a = span({ spanId: 'a', parentSpanId: 'b' });
    const b = span({ spanId: 'b', parentSpanId: 'a' });
    expect(buildWaterfall([a, b]).rows).toHaveLength(2);
    expect(buildWaterfall([]).rows).toEqual([]);
  });
});

describe('notableAttributes', () => {
  it('lists cache, retries, error and upstream as words', () => {
    const notes = notableAttributes(span({ attributes: { cache: 'hit', identity: 'verified', retries: 1, error: 'GATEWAY_UPSTREAM_TIMEOUT', upstream: 'profile#2', other: 'x', inferred: true } }));
    expect(notes).toEqual(['cache hit', 'identity verified', 'retries 1', 'error GATEWAY_UPSTREAM_TIMEOUT', 'upstream profile#2']);
    expect(notableAttributes(span({ attributes: { retry: true } }))).toEqual(['retry']);
    expect(notableAttributes(span())).toEqual([]);
  });
});

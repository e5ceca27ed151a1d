import { PassThrough } from 'node:stream';
import type { RunEvent, RunResult, ScenarioRunResult } from '@topolab/runtime';
import { describe, expect, it } from 'vitest';
import { planReporters } from '../commands/run-reporters.js';
import { formatJsonReport, jsonReportSchema } from './json-reporter.js';
import { formatJunitReport } from './junit-reporter.js';
import { oneLineMessage, stepLines } from './narration.js';
import { createPlainReporter } from './plain-reporter.js';
import { escapeXml } from './xml.js';

const modes = { discovery: 'client', auth: 'remote' } as const;
const hop = (instanceId: string, address: string, attributes: Record<string, string> = {}) => ({ service: instanceId.split('#')[0]!, instanceId, address, name: 'POST /x', durationMs: 4.2, status: 201, attributes });

const passed: ScenarioRunResult = {
  name: 'registration-2fa',
  summary: 'Register & verify <by SMS>.',
  modes,
  status: 'passed',
  ok: true,
  durationMs: 1234.5,
  readyMs: 900,
  steps: [
    {
      title: 'register through the gateway',
      depth: 0,
      ok: true,
      durationMs: 5,
      requests: [{ method: 'POST', path: '/auth/register', status: 201, durationMs: 4.2, hops: [hop('gateway#1', '127.0.0.1:8080', { cache: 'hit' }), hop('auth#1', '127.0.3.1:4000'), hop('sms#1', '127.0.4.1:4001')] }],
      notes: ['a note'],
    },
  ],
  figures: [{ name: 'eviction "lag" <ms>', value: 612.25, unit: 'ms', step: 'register through the gateway' }],
  notes: [],
};
const failed: ScenarioRunResult = {
  name: 'zombie-instance',
  summary: 'Zombies.',
  modes: { discovery: 'server', auth: 'local' },
  status: 'failed',
  ok: false,
  durationMs: 2000,
  steps: [
    {
      title: 'the registry evicts <profile#2> & "friends"',
      depth: 0,
      ok: false,
      durationMs: 5000,
      requests: [],
      notes: [],
      error: { code: 'SCENARIO_WAIT_TIMEOUT', message: 'Timed out after 5000 ms waiting for <eviction> & more\u0001', step: 'the registry evicts <profile#2> & "friends"' },
    },
  ],
  figures: [],
  notes: [],
  error: { code: 'SCENARIO_WAIT_TIMEOUT', message: 'Timed out after 5000 ms waiting for <eviction> & more\u0001', step: 'the registry evicts <profile#2> & "friends"', location: '/tmp/x.scenario.ts:3:4' },
};
const skipped: ScenarioRunResult = { name: 'local-only', summary: 'Local.', modes, status: 'skipped', ok: true, durationMs: 0, steps: [], figures: [], notes: [], skipReason: 'it does not run in discovery client · auth remote' };
const result: RunResult = { ok: false, passed: 1, failed: 1, skipped: 1, durationMs: 3234.5, startedAt: '2026-01-01T00:00:00.000Z', scenarios: [passed, failed, skipped] };

/** A small well-formedness check: every tag closes in order, attributes are quoted, text holds no raw `<` or bare `&`. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('\n') + 1);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    } else if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

describe('junit reporter', () => {
  it('writes well-formed, escaped XML: a testcase per run, classname by modes, failure with the step, skipped, figures as properties', () => {
    const xml = formatJunitReport(result);
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="topolab" tests="3" failures="1" errors="0" skipped="1" time="3.235"');
    expect(xml).toContain('<testsuite name="topolab.client.remote" tests="2" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('<testcase name="registration-2fa" classname="topolab.client.remote" time="1.234">');
    expect(xml).toContain('<property name="eviction &quot;lag&quot; &lt;ms&gt;" value="612.3 ms"/>');
    expect(xml).toContain('<testcase name="zombie-instance" classname="topolab.server.local" time="2.000">');
    expect(xml).toContain('<failure message="step &quot;the registry evicts &lt;profile#2&gt; &amp; &quot;friends&quot;&quot;: SCENARIO_WAIT_TIMEOUT Timed out after 5000 ms waiting for &lt;eviction&gt; &amp; more\uFFFD" type="SCENARIO_WAIT_TIMEOUT">');
    expect(xml).toContain('<skipped message="it does not run in discovery client · auth remote"/>');
    expect(xml).toContain('<system-out>✓ register through the gateway');
  });

  it('escapes every XML special character and drops characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">&'\u0000\u001F\t\n</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFD\t\n&lt;/a&gt;');
  });
});

describe('json reporter', () => {
  it('writes the whole result with every step, request, hop and figure', () => {
    const json = JSON.parse(formatJsonReport(result)) as RunResult & { schema: string };
    expect(json.schema).toBe(jsonReportSchema);
    expect(json).toMatchObject({ ok: false, passed: 1, failed: 1, skipped: 1 });
    expect(json.scenarios).toHaveLength(3);
    expect(json.scenarios[0]?.steps[0]?.requests[0]?.hops.map((h) => h.instanceId)).toEqual(['gateway#1', 'auth#1', 'sms#1']);
    expect(json.scenarios[0]?.figures[0]).toEqual(passed.figures[0]);
    expect(json.scenarios[1]?.error?.step).toBe('the registry evicts <profile#2> & "friends"');
  });
});

describe('narration', () => {
  it('shows a one-request step with its hops on one line, cache results included', () => {
    const [line] = stepLines(passed.steps[0]!);
    expect(line?.map((segment) => segment.text).join('')).toBe('  ✓ register through the gateway  gateway#1 (cache hit) → auth#1 @127.0.3.1 → sms#1 @127.0.4.1  4.2 ms');
  });

  it('summarises a step with many requests', () => {
    const request = { method: 'GET', path: '/profile/me', status: 200, durationMs: 1, hops: [] };
    const lines = stepLines({ title: 'load', depth: 0, ok: true, durationMs: 50, notes: [], requests: [...Array(10).fill(request), { ...request, status: 503, code: 'GATEWAY_NO_INSTANCE' }] });
    const text = lines.map((line) => line.map((segment) => segment.text).join(''));
    expect(text[0]).toBe('  ✓ load  11 requests  50 ms');
    expect(text).toHaveLength(1 + 6 + 1);
    expect(text.at(-1)).toBe('      … 5 more: 200 ×4, 503 ×1');
  });

  it('puts an assertion on one line with its values, for the summary and JUnit', async () => {
    const { AssertionError } = await import('node:assert');
    let message = '';
    message = new AssertionError({ actual: 1, expected: 0, operator: 'strictEqual' }).message;
    expect(message.split('\n')[0]).toBe('Expected values to be strictly equal:');
    expect(oneLineMessage(message)).toBe('Expected values to be strictly equal: 1 !== 0');
    expect(oneLineMessage('Timed out after 5000 ms\nsecond line')).toBe('Timed out after 5000 ms');
    expect(oneLineMessage(`x: ${'y'.repeat(300)}`, 50)).toHaveLength(50);
  });
});

describe('plain reporter', () => {
  it('narrates steps, verdicts, figures and totals without colour', async () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let out = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (out += chunk.toString()));
    const reporter = createPlainReporter(stream);
    const events: RunEvent[] = [
      { type: 'run.start', total: 3, parallel: 1 },
      { type: 'scenario.start', name: passed.name, summary: passed.summary, modes },
      { type: 'scenario.ready', name: passed.name, modes, readyMs: 900, dataDir: '/tmp/x' },
      { type: 'step.start', scenario: passed.name, modes, title: 'register through the gateway', depth: 0 },
      { type: 'step.end', scenario: passed.name, modes, ...passed.steps[0]! },
      { type: 'scenario.end', ...passed },
      { type: 'scenario.end', ...failed },
      { type: 'scenario.end', ...skipped },
    ];
    for (const event of events) reporter.onEvent(event);
    await reporter.finish(result);
    expect(out).not.toContain('\u001b[');
    expect(out).toContain('▶ registration-2fa  discovery client · auth remote');
    expect(out).toContain('  ✓ register through the gateway  gateway#1 (cache hit) → auth#1 @127.0.3.1 → sms#1 @127.0.4.1  4.2 ms');
    expect(out).toContain('      · a note');
    expect(out).toContain('✓ registration-2fa  client/remote  passed in 1.2 s');
    expect(out).toContain('✖ zombie-instance  server/local  failed at step "the registry evicts <profile#2> & "friends"" in 2.0 s');
    expect(out).toContain('○ local-only  client/remote  skipped: it does not run in discovery client · auth remote');
    expect(out).toMatch(/registration-2fa\s+client\/remote\s+eviction "lag" <ms>\s+612.3 ms/);
    expect(out).toContain('1 passed · 1 failed · 1 skipped in 3.2 s');
  });
});

describe('planReporters', () => {
  it('defaults to pretty on a terminal and plain elsewhere', () => {
    expect(planReporters(undefined, undefined, true)).toEqual([{ name: 'pretty' }]);
    expect(planReporters([], undefined, false)).toEqual([{ name: 'plain' }]);
  });

  it('gives each file reporter its --output in order, or stdout when it is alone', () => {
    expect(planReporters(['json'], undefined, false)).toEqual([{ name: 'json' }]);
    expect(planReporters(['plain', 'junit', 'json'], ['j.xml', 'r.json'], false)).toEqual([{ name: 'plain' }, { name: 'junit', output: 'j.xml' }, { name: 'json', output: 'r.json' }]);
  });

  it('refuses a file reporter sharing stdout, and more outputs than file reporters', () => {
    expect(() => planReporters(['plain', 'junit'], undefined, false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', exitCode: 2 }));
    expect(() => planReporters(['json', 'junit'], ['a.json'], false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => planReporters(['plain'], ['a.json'], false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => planReporters(undefined, ['a.json'], false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

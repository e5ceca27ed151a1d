import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { freeTextMessages, freeTextProblems, multiLineText, noControlChars, singleLineText } from './free-text.js';
import { defineRoute, Router } from './router.js';
import { createHttpServer, validate } from './server.js';

// Every code point of the Unicode general category Cc (C0 U+0000-U+001F, DEL U+007F, C1
// U+0080-U+009F), the controls OWASP ASVS 5.0 (V1 encoding and sanitization, V2 validation)
// has free-text fields refuse: NUL truncates C strings, ESC drives terminals, CR/LF split lines.
const cc = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)].map((code) => String.fromCharCode(code));
const hex = (char: string) => `U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
// Bidi embeddings/overrides, isolates, and the line/paragraph separators.
const layout = ['\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('singleLineText', () => {
  const name = singleLineText({ min: 1, max: 64, trim: true });

  it.each(cc.map((char) => [hex(char), char]))('refuses the Cc control %s', (_code, char) => {
    const result = name.safeParse(`Ada${char}Lovelace`);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.message)).toEqual([freeTextMessages.control]);
  });

  it.each(layout.map((char) => [hex(char), char]))('refuses the bidi or separator control %s', (_code, char) => {
    expect(name.safeParse(`Ada${char}`).error!.issues.map((issue) => issue.message)).toEqual([freeTextMessages.layout]);
  });

  it('refuses a trailing newline instead of trimming it away', () => {
    expect(name.safeParse('Ada\n').success).toBe(false);
    expect(name.safeParse('  Ada  ').data).toBe('Ada');
  });

  it('accepts letters of any script, marks, emoji and the bidi marks LRM/RLM', () => {
    for (const text of ['Zoë', 'Ωμέγα', 'محمد\u200f', '李小龍', 'Ada 😀', 'A\u00a0B', 'e\u0301']) expect(name.safeParse(text).data).toBe(text);
  });

  it('refuses lone surrogates but not pairs', () => {
    expect(name.safeParse('a\ud800b').error!.issues.map((issue) => issue.message)).toEqual([freeTextMessages.surrogate]);
    expect(name.safeParse('a\udc00').success).toBe(false);
    expect(name.safeParse('a\ud83d\ude00').success).toBe(true);
  });

  it('keeps the bounds, counted after trimming', () => {
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('x'.repeat(65)).success).toBe(false);
    expect(singleLineText({ max: 3 }).safeParse('').success).toBe(true);
    expect(singleLineText({ max: 3 }).safeParse(' ab ').success).toBe(false);
  });
});

describe('multiLineText', () => {
  const body = multiLineText({ max: 1000 });
  const mail = multiLineText({ max: 1000, crlf: true });

  it('allows tab and LF, and CR only as part of CRLF when asked', () => {
    expect(body.safeParse('Dear Ada,\n\n\tthanks.\n').success).toBe(true);
    expect(body.safeParse('a\r\nb').error!.issues.map((issue) => issue.message)).toEqual([freeTextMessages.controlMultiLine]);
    expect(mail.safeParse('Dear Ada,\r\n\r\n\tthanks.\r\n').success).toBe(true);
    expect(mail.safeParse('a\rb').error!.issues.map((issue) => issue.message)).toEqual([freeTextMessages.controlCrlf]);
    expect(mail.safeParse('a\r').success).toBe(false);
    expect(mail.safeParse('a\n\rb').success).toBe(false);
  });

  it.each(cc.filter((char) => char !== '\t' && char !== '\n' && char !== '\r').map((char) => [hex(char), char]))('refuses the Cc control %s', (_code, char) => {
    expect(body.safeParse(`line${char}`).success).toBe(false);
    expect(mail.safeParse(`line${char}`).success).toBe(false);
  });

  it('allows bidi controls and line separators, which right-to-left paragraphs use', () => {
    for (const char of layout) expect(body.safeParse(`a${char}b`).success).toBe(true);
  });
});

describe('noControlChars', () => {
  it('refines any string schema and names each rule broken once', () => {
    const schema = z.string().check(noControlChars({ lines: 'single' })).max(5);
    expect(schema.safeParse('a\u0000\u202e\ud800').error!.issues.map((issue) => issue.message)).toEqual([
      freeTextMessages.control,
      freeTextMessages.layout,
      freeTextMessages.surrogate,
    ]);
    expect(freeTextProblems('fine', { lines: 'multi' })).toEqual([]);
  });
});

describe('free text through the kit', () => {
  const schema = z.strictObject({ name: singleLineText({ min: 1, max: 64, trim: true }), notes: z.optional(multiLineText({ max: 500 })) });

  it('fails validation with HTTP_VALIDATION_FAILED, the path and the rule, never the value', () => {
    let thrown: unknown;
    try {
      validate(schema, { name: 'secret\u0000value' }, 'body');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', status: 400, details: [{ path: 'body.name', message: 'must not contain control characters' }] });
    expect(JSON.stringify(thrown)).not.toContain('secret');
  });

  let server: ReturnType<typeof createHttpServer>;
  let base: string;
  beforeAll(async () => {
    const router = new Router().add(defineRoute({ method: 'POST', path: '/echo', body: schema, handler: ({ body }) => body }));
    server = createHttpServer({ router, telemetry: recordTelemetry('free-text').telemetry });
    base = (await listenOnLoopback(server)).url;
  });
  afterAll(() => closeServer(server));

  const post = (body: unknown) => fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers 400 to NUL and ESC over HTTP, and accepts tab and newline in a multi-line field', async () => {
    for (const name of ['Ada\u0000', '\u001b[2JAda']) {
      const response = await post({ name });
      expect(response.status).toBe(400);
      const { error } = await jsonOf(response);
      expect(error).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', details: [{ path: 'body.name', message: 'must not contain control characters' }] });
      expect(JSON.stringify(error)).not.toContain('Ada');
    }
    const ok = await post({ name: 'Ada', notes: 'one\n\ttwo' });
    expect(ok.status).toBe(200);
    expect(await jsonOf(ok)).toEqual({ name: 'Ada', notes: 'one\n\ttwo' });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { createSmsApp } from './app.js';
import { openSmsStore, type SmsStore } from './store.js';

// auth's token: it sends; the runtime's (control) reads the phone. Both scopes here for brevity.
const token = testServiceHeaders('auth#1', 'sms', ['sms.send', 'sms.read']);

describe('sms service', () => {
  let dir: string;
  let store: SmsStore;
  let base: string;
  let recorded: ReturnType<typeof recordTelemetry>;
  let server: ReturnType<typeof createSmsApp>['server'];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topolab-sms-'));
    store = openSmsStore(join(dir, 'sms.db'));
    recorded = recordTelemetry('sms');
    server = createSmsApp({ store, telemetry: recorded.telemetry, clock: () => 1_700_000_000_000, serviceAuth: createTestServiceGuard('sms') }).server;
    base = (await listenOnLoopback(server)).url;
  });

  afterEach(async () => {
    await closeServer(server);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (body: unknown) =>
    fetch(`${base}/sms/send`, { method: 'POST', headers: { 'content-type': 'application/json', ...token }, body: JSON.stringify(body) });

  it('renders the template, stores the message and shows it on the phone', async () => {
    const sent = await send({ to: '+447700900123', template: 'otp', fields: { firstName: 'Ada', code: '123456', purpose: 'registration' }, userId: 'u1' });
    expect(sent.status).toBe(201);
    const phone = await jsonOf(await fetch(`${base}/sms/messages?to=%2B447700900123`, { headers: token }));
    expect(phone.messages).toHaveLength(1);
    expect(phone.messages[0]).toMatchObject({ type: 'otp', to: '+447700900123', userId: 'u1', time: 1_700_000_000_000 });
    expect(phone.messages[0].text).toContain('Ada');
    expect(phone.messages[0].text).toContain('123456');
  });

  it('lists newest first and only for the asked number', async () => {
    await send({ to: '+447700900001', template: 'welcome', fields: { firstName: 'A' } });
    await send({ to: '+447700900002', template: 'welcome', fields: { firstName: 'B' } });
    await send({ to: '+447700900001', template: 'reminder', fields: { firstName: 'A', message: 'hello' } });
    const phone = await jsonOf(await fetch(`${base}/sms/messages?to=%2B447700900001`, { headers: token }));
    expect(phone.messages.map((m: { type: string }) => m.type)).toEqual(['reminder', 'welcome']);
  });

  it('never puts the text in the sms.sent event', async () => {
    await send({ to: '+447700900123', template: 'otp', fields: { firstName: 'Ada', code: '654321', purpose: 'login' } });
    const serialised = JSON.stringify(recorded.messages);
    expect(serialised).toContain('sms.sent');
    expect(serialised).not.toContain('654321');
  });

  it.each([
    [{ to: '07700900123', template: 'otp', fields: {} }, 'HTTP_VALIDATION_FAILED'],
    [{ to: '+447700900123', template: 'postcard', fields: {} }, 'HTTP_VALIDATION_FAILED'],
    [{ to: '+447700900123', template: 'otp', fields: { firstName: 'A' } }, 'SMS_TEMPLATE_FIELD_MISSING'],
    [{ to: '+447700900123', template: 'welcome', fields: { firstName: 7 } }, 'HTTP_VALIDATION_FAILED'],
  ])('refuses %j with %s and stores nothing', async (body, code) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.code).toBe(code);
    expect(store.listRecent(10)).toHaveLength(0);
  });

  // Template fields are one line each (kit/http/free-text.ts): no C0/C1 control, not even newline.
  it.each([
    ['a NUL', { firstName: 'Ada\u0000' }],
    ['an ESC', { firstName: '\u001b[2JAda' }],
    ['a newline', { firstName: 'Ada', message: 'line one\nline two' }],
    ['a C1 control', { firstName: 'Ada\u0085' }],
  ])('refuses %s in a template field with the validation error and stores nothing', async (_what, fields) => {
    const res = await send({ to: '+447700900123', template: 'reminder', fields: { message: 'hello', ...fields } });
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe('HTTP_VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: expect.stringMatching(/^body\.fields\.(firstName|message)$/), message: 'must not contain control characters' }]);
    expect(store.listRecent(10)).toHaveLength(0);
  });

  it('refuses malformed JSON and oversize bodies', async () => {
    const malformed = await fetch(`${base}/sms/send`, { method: 'POST', headers: { 'content-type': 'application/json', ...token }, body: '{"to":' });
    expect(malformed.status).toBe(400);
    expect((await jsonOf(malformed)).error.code).toBe('HTTP_BODY_MALFORMED');
    const huge = await send({ to: '+447700900123', template: 'welcome', fields: { firstName: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await jsonOf(huge)).error.code).toBe('HTTP_BODY_TOO_LARGE');
  });

  it('answers 404 and 405 as JSON errors', async () => {
    expect((await jsonOf(await fetch(`${base}/nope`))).error.code).toBe('HTTP_NOT_FOUND');
    const wrong = await fetch(`${base}/sms/send`, { headers: token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
  // RFC 6750 §3: no token → 401 with a Bearer challenge; a token lacking the scope → 403 insufficient_scope.
  it('refuses calls without a service token, with another audience\'s token, or without the route\'s scope', async () => {
    const body = JSON.stringify({ to: '+447700900123', template: 'welcome', fields: { firstName: 'Ada' } });
    const post = (headers: Record<string, string>) => fetch(`${base}/sms/send`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="topolab-internal"/);
    expect((await jsonOf(missing)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    const otherAudience = await post(testServiceHeaders('mail#1', 'auth', ['sms.send']));
    expect((await jsonOf(otherAudience)).error.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
    const readOnly = await post(testServiceHeaders('control', 'sms', ['sms.read']));
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="sms.send"');
    expect(store.listRecent(10)).toHaveLength(0);
  });
});

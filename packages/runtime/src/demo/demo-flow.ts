import { performance } from 'node:perf_hooks';
import type { GatewayClient, GatewayRequest } from '../client/gateway-client.js';
import type { PhoneMessage } from '../control/control-routes.js';
import { runtimeError } from '../errors/error-codes.js';
import { hopsOf, type Hop } from '../telemetry/trace-model/index.js';
import type { TraceCollector } from '../telemetry/trace-collector.js';
import { createDemoUser, extractCode, maskCodes, type DemoUser } from './demo-user.js';
import { gtubeSignature } from './test-signatures.js';

/** One narrated step of the demo. */
export interface DemoStep {
  /** 1-based. */
  readonly index: number;
  readonly title: string;
  /** `POST /auth/register`, or `phone +447700900123` for a read of the phone. */
  readonly action: string;
  /** Whether the step answered as expected. */
  readonly ok: boolean;
  /** HTTP status of the gateway's answer (absent for a phone read). */
  readonly status?: number;
  readonly durationMs: number;
  /** The instances the request went through, in order (empty for a phone read). */
  readonly hops: readonly Hop[];
  /** One line for the learner (an SMS text with its code masked, a profile name). Never a secret. */
  readonly detail?: string;
}

/** What runDemoFlow needs: a gateway, the spans of the topology, and the phone. */
export interface DemoFlowOptions {
  readonly gateway: GatewayClient;
  readonly traces: TraceCollector;
  /** Newest first. */
  readonly readPhone: (phone: string) => Promise<readonly PhoneMessage[]>;
  /** Called after each step, as it happens. */
  readonly onStep?: (step: DemoStep) => void;
  /** @default a fresh random user */
  readonly user?: DemoUser;
}

/** How the demo ended. */
export interface DemoResult {
  readonly user: Pick<DemoUser, 'username' | 'phone'>;
  readonly steps: readonly DemoStep[];
}

/**
 * The narrated flow of `topolab demo`: register → SMS code → verify → password login → SMS
 * code → 2FA verify → create and read a profile → a request without a token is refused →
 * mail: send to yourself, search, and a GTUBE test mail caught in the spam folder.
 * Fails with DEMO_STEP_FAILED at the first answer that is not the expected one.
 */
export async function runDemoFlow(options: DemoFlowOptions): Promise<DemoResult> {
  const { gateway, traces } = options;
  const user = options.user ?? createDemoUser();
  const steps: DemoStep[] = [];
  const record = (step: Omit<DemoStep, 'index'>) => {
    const full = { index: steps.length + 1, ...step };
    steps.push(full);
    options.onStep?.(full);
  };

  /** One request as a step; `wrong` names what is amiss in an answer of the expected status (the step then fails). */
  async function call<T>(title: string, request: GatewayRequest, expected: number, detail?: (body: T) => string, wrong?: (body: T) => string | undefined): Promise<T> {
    const response = await gateway.request<T>(request);
    const spans = await traces.waitForTrace(response.traceId, { parentSpanId: response.spanId, timeoutMs: 1000 }).catch(() => traces.spansOf(response.traceId));
    const step = {
      title,
      action: `${request.method} ${request.path}`,
      ok: response.status === expected,
      status: response.status,
      durationMs: response.durationMs,
      hops: hopsOf(spans),
      ...(response.status === expected && detail ? { detail: detail(response.body) } : {}),
    };
    if (response.status !== expected) {
      const code = (response.body as { error?: { code?: string } } | undefined)?.error?.code;
      record({ ...step, detail: `expected ${expected}${code ? `, got ${code}` : ''}` });
      throw runtimeError('DEMO_STEP_FAILED', {
        message: `Demo step "${title}" answered ${response.status}${code ? ` ${code}` : ''} instead of ${expected}.`,
        details: { step: title, status: response.status, ...(code ? { errorCode: code } : {}) },
      });
    }
    const problem = wrong?.(response.body);
    if (problem !== undefined) {
      record({ ...step, ok: false, detail: problem });
      throw runtimeError('DEMO_STEP_FAILED', { message: `Demo step "${title}": ${problem}.`, details: { step: title, status: response.status } });
    }
    record(step);
    return response.body;
  }

  async function readCode(title: string, after: number): Promise<string> {
    const started = performance.now();
    const messages = await options.readPhone(user.phone);
    const message = messages.find((candidate) => candidate.type === 'otp' && candidate.time >= after);
    const code = message ? extractCode(message.text) : undefined;
    record({ title, action: `phone ${user.phone}`, ok: code !== undefined, durationMs: performance.now() - started, hops: [], detail: message ? `“${maskCodes(message.text)}”` : 'no code arrived' });
    if (!code) throw runtimeError('DEMO_STEP_FAILED', { message: `No one-time code reached ${user.phone}.`, details: { step: title } });
    return code;
  }

  const { username, password, phone, firstName } = user;
  let since = Date.now() - 1;
  await call('register through the gateway', { method: 'POST', path: '/auth/register', body: { username, password, phone, firstName } }, 201, () => `${username}, ${phone}`);
  const registrationCode = await readCode('the phone receives a registration code', since);
  await call('verify the phone number with the code', { method: 'POST', path: '/auth/verify', body: { username, code: registrationCode } }, 200, () => 'verified');
  since = Date.now() - 1;
  await call('log in with the password (first factor)', { method: 'POST', path: '/auth/login', body: { username, password } }, 202, () => 'SMS challenge sent');
  const loginCode = await readCode('the phone receives a login code', since);
  const tokens = await call<{ accessToken: string; expiresIn: number }>(
    'complete the login with the SMS code (second factor)',
    { method: 'POST', path: '/auth/login/verify', body: { username, code: loginCode } },
    200,
    (body) => `access token issued, valid ${body.expiresIn} s`,
  );
  const token = tokens.accessToken;
  await call('create the profile', { method: 'POST', path: '/profile', token, body: { displayName: `${firstName} L.`, bio: 'Wrote the first program.' } }, 201, () => 'createProfile');
  await call('set preferences', { method: 'PUT', path: '/profile/preferences', token, body: { language: 'en', theme: 'dark', signature: `— ${firstName}`, notifications: { email: true, sms: false } } }, 200, () => 'dark theme, signature set');
  await call<{ profile: { displayName: string } }>('read the profile back', { method: 'GET', path: '/profile/me', token }, 200, (body) => `displayName ${body.profile.displayName}`);
  await call('a request without a token is refused', { method: 'GET', path: '/profile/me' }, 401, () => 'GATEWAY_UNAUTHENTICATED');

  const address = `${username}@topolab.test`;
  const subject = 'Hello from the topolab demo';
  const spamSubject = 'Test of the spam filter';
  await call<{ delivered: number }>(
    'send a mail to yourself',
    { method: 'POST', path: '/mail/send', token, body: { to: address, subject, body: 'This mail went through the gateway to the mail service, which looked you up in auth.' } },
    201,
    (body) => `to ${address}: delivered to ${body.delivered} inbox, a copy in sent`,
  );
  const query = `demo from:${username}`;
  await call<{ messages: { subject: string; mailbox: string }[] }>(
    'search your mail',
    { method: 'GET', path: `/mail/search?q=${encodeURIComponent(query)}`, token },
    200,
    (body) => `q=${query}: ${body.messages.map((m) => `${m.mailbox} “${m.subject}”`).join(', ')}`,
    (body) => (body.messages.some((m) => m.subject === subject) ? undefined : 'the mail just sent was not found'),
  );
  await call(
    'send a mail carrying the GTUBE spam test string',
    { method: 'POST', path: '/mail/send', token, body: { to: address, subject: spamSubject, body: `Every spam filter must catch this: ${gtubeSignature()}` } },
    201,
    () => 'scored on delivery by naive Bayes and header/content rules',
  );
  await call<{ messages: { subject: string }[] }>(
    'the spam folder caught it',
    { method: 'GET', path: '/mail/mailboxes/spam', token },
    200,
    (body) => `spam: ${body.messages.map((m) => `“${m.subject}”`).join(', ')}`,
    (body) => (body.messages.some((m) => m.subject === spamSubject) ? undefined : 'the spam test mail is not in the spam folder'),
  );
  return { user: { username, phone }, steps };
}

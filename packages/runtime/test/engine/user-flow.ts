import { createPrivateKey, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { controlClientId, grantedScopes, serviceTokenParts, serviceTokenTtlS } from '@topolab/services/contract';
import { signJwt } from '../../src/topology/topology-secrets.js';
import { vi } from 'vitest';
import { podman } from './podman.js';

/** A message the SMS service sent, as `GET /sms/messages` lists it. */
interface SmsMessage {
  readonly id: number | string;
  readonly type: string;
  readonly text: string;
}

/** Where the phone is read: inside the sms container, as the runtime's own client (`control`, scope sms.read). */
export interface ContainerPhone {
  /** The container running sms#1 (`podman exec` runs there). */
  readonly container: string;
  /** sms#1 inside its container (`http://127.0.0.1:3004`). */
  readonly smsUrl: string;
  /** auth's private signing key (the exported `auth-1-signing-key`, a JWK): the test holds the export's secrets, as the runtime holds its own. */
  readonly authSigningKey: string;
}

/**
 * A service token for `control` with scope sms.read (RFC 9068), signed with auth's key as the
 * runtime signs its platform tokens: the phone is read without another container in the way.
 */
function controlToken(phone: ContainerPhone): string {
  const jwk = JSON.parse(phone.authSigningKey) as { kid: string };
  const iat = Math.floor(Date.now() / 1000);
  const { header, claims } = serviceTokenParts({ clientId: controlClientId, audience: 'sms', scopes: grantedScopes(controlClientId, 'sms').filter((scope) => scope === 'sms.read'), jti: randomUUID(), iat, exp: iat + serviceTokenTtlS }, jwk.kid);
  return signJwt(header, claims, createPrivateKey({ key: jwk as never, format: 'jwk' }));
}

// Run by the container's own Node, against sms#1 on its loopback. The token comes on stdin, so
// no secret is on a command line.
const phoneScript = `
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { smsUrl, token, to } = JSON.parse(input);
const list = await fetch(smsUrl + '/sms/messages?limit=20&to=' + encodeURIComponent(to), { headers: { authorization: 'Bearer ' + token } });
if (list.status !== 200) { console.error('sms: ' + list.status); process.exit(1); }
process.stdout.write(JSON.stringify(await list.json()));
`;

/** Retries `attempt` (vitest's waitFor) until it resolves or `timeoutMs` passed: a network just started may drop the first packets. */
function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  return vi.waitFor(attempt, { timeout: timeoutMs, interval: 500 }).catch((error: unknown) => {
    throw new Error(`${what} failed for ${timeoutMs / 1000} s`, { cause: error });
  });
}

/** The messages sms#1 sent to `to`, newest first, read inside its container. */
function messagesTo(phone: ContainerPhone, to: string): Promise<SmsMessage[]> {
  const token = controlToken(phone);
  return retrying(`reading the phone in ${phone.container}`, async () => {
    const out = await podman(['exec', '-i', phone.container, 'node', '--input-type=module', '-e', phoneScript], {
      input: JSON.stringify({ smsUrl: phone.smsUrl, token, to }),
      timeout: 15_000,
    });
    return (JSON.parse(out) as { messages: SmsMessage[] }).messages;
  });
}

/**
 * Waits until the gateway routes each of `paths` (any answer but 404 GATEWAY_ROUTE_NOT_FOUND);
 * resolves with how long it took. A healthy container answers `/health` as soon as it listens,
 * before it has registered: an instance that could not register in its 10 s (auth or the
 * registry not reachable yet) exits 1 and its restart policy starts it again, so this waits
 * as long as the auth canary does.
 */
async function waitForRoutes(gateway: string, paths: readonly string[], timeoutMs = 90_000): Promise<number> {
  const started = performance.now();
  for (const path of paths) {
    await retrying(
      `the gateway routing ${path}`,
      async () => {
        const response = await fetch(`${gateway}${path}`, { signal: AbortSignal.timeout(5000) });
        const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
        if (response.status === 404 && body.error?.code === 'GATEWAY_ROUTE_NOT_FOUND') throw new Error(`${path}: no route yet`);
      },
      timeoutMs,
    );
  }
  return Math.round(performance.now() - started);
}

/** Waits for a new `<purpose> code` SMS to `to` (one whose id is not in `before`) and returns its 6 digits. */
function nextCode(phone: ContainerPhone, to: string, purpose: string, before: ReadonlySet<number | string>): Promise<string> {
  return vi.waitFor(
    async () => {
      const message = (await messagesTo(phone, to)).find((candidate) => !before.has(candidate.id) && candidate.type === 'otp' && candidate.text.includes(`${purpose} code`));
      const code = message ? /\b(\d{6})\b/.exec(message.text)?.[1] : undefined;
      if (!code) throw new Error(`no ${purpose} code reached ${to} within 15 s`);
      return code;
    },
    { timeout: 15_000, interval: 300 },
  );
}

/** One request through the gateway: its status, body and error code. */
async function request<T>(gateway: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T; code?: string }> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const parsed = (text === '' ? undefined : JSON.parse(text)) as T & { error?: { code?: string } };
  return { status: response.status, body: parsed, ...(parsed?.error?.code ? { code: parsed.error.code } : {}) };
}

/** One call through the gateway; fails with the call, the status and the error code (never a body with a secret). */
async function call<T>(gateway: string, method: string, path: string, expected: number, body?: unknown, token?: string): Promise<T> {
  const answer = await request<T>(gateway, method, path, body, token);
  if (answer.status !== expected) throw new Error(`${method} ${path} answered ${answer.status} ${answer.code ?? ''}, expected ${expected}`);
  return answer.body;
}

/**
 * `POST path` that texts a code; when auth could not reach sms (503 AUTH_SMS_UNAVAILABLE: a
 * container network just started can drop the first connections) it does what the error's
 * hint says, `POST /auth/resend`, until the code goes out.
 */
async function callTextingCode(gateway: string, path: string, expected: number, body: unknown, resend: { username: string; purpose: string }): Promise<number> {
  const first = await request(gateway, 'POST', path, body);
  if (first.status === expected) return 0;
  if (first.status !== 503 || first.code !== 'AUTH_SMS_UNAVAILABLE') throw new Error(`POST ${path} answered ${first.status} ${first.code ?? ''}, expected ${expected}`);
  // Auth issues at most 5 codes per user and purpose in its window: the first and 4 resends, 3 s apart.
  for (let attempt = 1; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const again = await request(gateway, 'POST', '/auth/resend', resend);
    if (again.status < 300) return attempt;
    if (attempt === 4 || again.code !== 'AUTH_SMS_UNAVAILABLE') throw new Error(`POST ${path} answered 503 AUTH_SMS_UNAVAILABLE, and POST /auth/resend ${again.status} ${again.code ?? ''} after ${attempt} tries`);
  }
}

/** A fictional number (+1 555 019x xxxx) and a fresh username. */
function person(): { username: string; password: string; phone: string } {
  return { username: `engine-${randomBytes(4).toString('hex')}`, password: `Pw-${randomBytes(9).toString('base64url')}-42`, phone: `+1555019${String(randomInt(0, 10_000)).padStart(4, '0')}` };
}

/**
 * Waits until auth can text a code: healthy containers say each process answers, not that
 * auth has found sms yet (they start side by side; auth learns of sms from the registry).
 * A throwaway user registers each second until one gets 201; resolves with how long it took.
 *
 * In 3 of about 10 engine runs (2026-12-07) auth's calls to a registered, answering sms#1 timed
 * out (2 s each) for 32–49 s after start, in Compose and in Kubernetes: not explained yet
 * (the test prints both containers' logs when it takes over 5 s). 150 s keeps the lane from
 * failing on it while it is looked into; the figure shows every such run.
 */
async function untilAuthTexts(gateway: string, timeoutMs = 150_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const canary = person();
    const answer = await request(gateway, 'POST', '/auth/register', { ...canary, firstName: 'Canary' });
    if (answer.status === 201) return Math.round(performance.now() - started);
    if (answer.code !== 'AUTH_SMS_UNAVAILABLE' || performance.now() - started > timeoutMs) throw new Error(`POST /auth/register answered ${answer.status} ${answer.code ?? ''} for ${Math.round((performance.now() - started) / 1000)} s: auth never reached sms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** What the flow saw, for the test's assertions. */
export interface FlowResult {
  readonly username: string;
  readonly displayName: string;
  readonly inboxSubjects: readonly string[];
  readonly ms: number;
  /** Codes sent again because auth could not reach sms at first (AUTH_SMS_UNAVAILABLE). */
  readonly resends: number;
  /** How long after the containers were healthy the gateway routed auth, profile and mail, ms. */
  readonly routedMs: number;
  /** How long after the gateway routed everything auth could first text a code, ms. */
  readonly smsReadyMs: number;
}

/**
 * The seed's journey through a containerized gateway: register, verify the phone with the SMS
 * code, log in with the second SMS code, create and read a profile, send a mail to oneself and
 * find it in the inbox.
 */
export async function runUserFlow(gateway: string, phone: ContainerPhone): Promise<FlowResult> {
  const started = performance.now();
  const username = `engine-${randomBytes(4).toString('hex')}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}-42`;
  const number = `+1555019${String(randomInt(0, 10_000)).padStart(4, '0')}`;
  const routedMs = await waitForRoutes(gateway, ['/auth/login', '/profile/me', '/mail/mailboxes']);
  const smsReadyMs = await untilAuthTexts(gateway);
  let before = new Set((await messagesTo(phone, number)).map((message) => message.id));
  let resends = await callTextingCode(gateway, '/auth/register', 201, { username, password, phone: number, firstName: 'Ada' }, { username, purpose: 'registration' });
  const registration = await nextCode(phone, number, 'registration', before);
  await call(gateway, 'POST', '/auth/verify', 200, { username, code: registration });
  before = new Set((await messagesTo(phone, number)).map((message) => message.id));
  resends += await callTextingCode(gateway, '/auth/login', 202, { username, password }, { username, purpose: 'login' });
  const login = await nextCode(phone, number, 'login', before);
  const { accessToken } = await call<{ accessToken: string }>(gateway, 'POST', '/auth/login/verify', 200, { username, code: login });
  await call(gateway, 'POST', '/profile', 201, { displayName: 'Ada in a container' }, accessToken);
  const profile = await call<{ displayName?: string; profile?: { displayName?: string } }>(gateway, 'GET', '/profile/me', 200, undefined, accessToken);
  const subject = `hello from ${username}`;
  await call(gateway, 'POST', '/mail/send', 201, { to: [`${username}@topolab.test`], subject, body: 'sent through the containerized gateway' }, accessToken);
  const inbox = await call<{ messages: { subject: string }[] }>(gateway, 'GET', '/mail/mailboxes/inbox', 200, undefined, accessToken);
  return { username, displayName: profile.profile?.displayName ?? profile.displayName ?? '', inboxSubjects: inbox.messages.map((message) => message.subject), ms: Math.round(performance.now() - started), resends, routedMs, smsReadyMs };
}

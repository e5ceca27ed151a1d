import { randomBytes, randomInt } from 'node:crypto';
import { clientSecretFor, controlClientId } from '@topolab/services/contract';
import { basicCredentials, serviceTokenPath } from '@topolab/services/service-tokens';
import { podman } from './podman.js';

/** A message the SMS service sent, as `GET /sms/messages` lists it. */
interface SmsMessage {
  readonly id: number | string;
  readonly type: string;
  readonly text: string;
}

/** Where the phone is read: inside the sms container, with the runtime's own client (`control`, scope sms.read). */
export interface ContainerPhone {
  /** The container running sms#1 (`podman exec` runs there). */
  readonly container: string;
  /** auth#1 as the sms container reaches it (`http://auth-1:3003`). */
  readonly authUrl: string;
  /** sms#1 inside its container (`http://127.0.0.1:3004`). */
  readonly smsUrl: string;
  /** The topology's client key (auth-1-client-key among the exported secrets). */
  readonly clientKey: string;
}

// Run by the container's own Node: a service token for `control` (RFC 6749 §4.4), then sms#1's
// list. The arguments come on stdin, so no secret is on a command line.
const phoneScript = `
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { authUrl, tokenPath, smsUrl, authorization, to } = JSON.parse(input);
const grant = await fetch(authUrl + tokenPath, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=sms.read' });
if (grant.status !== 200) { console.error('token: ' + grant.status); process.exit(1); }
const { access_token } = await grant.json();
const list = await fetch(smsUrl + '/sms/messages?limit=20&to=' + encodeURIComponent(to), { headers: { authorization: 'Bearer ' + access_token } });
if (list.status !== 200) { console.error('sms: ' + list.status); process.exit(1); }
process.stdout.write(JSON.stringify(await list.json()));
`;

/** Retries `attempt` until it resolves or `timeoutMs` passed: a network just started may drop the first packets. */
async function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} failed for ${timeoutMs / 1000} s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** The messages sms#1 sent to `to`, newest first, read inside its container. */
function messagesTo(phone: ContainerPhone, to: string): Promise<SmsMessage[]> {
  const authorization = basicCredentials(controlClientId, clientSecretFor(phone.clientKey, controlClientId));
  return retrying(`reading the phone in ${phone.container}`, async () => {
    const out = await podman(['exec', '-i', phone.container, 'node', '--input-type=module', '-e', phoneScript], {
      input: JSON.stringify({ authUrl: phone.authUrl, tokenPath: serviceTokenPath, smsUrl: phone.smsUrl, authorization, to }),
      timeout: 15_000,
    });
    return (JSON.parse(out) as { messages: SmsMessage[] }).messages;
  });
}

/**
 * Waits until the gateway routes each of `paths` (any answer but 404 GATEWAY_ROUTE_NOT_FOUND):
 * a healthy service has registered, but the gateway learns its routes from the registry's push.
 */
async function waitForRoutes(gateway: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    await retrying(`the gateway routing ${path}`, async () => {
      const response = await fetch(`${gateway}${path}`, { signal: AbortSignal.timeout(5000) });
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
      if (response.status === 404 && body.error?.code === 'GATEWAY_ROUTE_NOT_FOUND') throw new Error(`${path}: no route yet`);
    });
  }
}

/** Waits for a new `<purpose> code` SMS to `to` (one whose id is not in `before`) and returns its 6 digits. */
async function nextCode(phone: ContainerPhone, to: string, purpose: string, before: ReadonlySet<number | string>): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const message = (await messagesTo(phone, to)).find((candidate) => !before.has(candidate.id) && candidate.type === 'otp' && candidate.text.includes(`${purpose} code`));
    const code = message ? /\b(\d{6})\b/.exec(message.text)?.[1] : undefined;
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no ${purpose} code reached ${to} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** One call through the gateway; fails with the call, the status and the error code (never a body with a secret). */
async function call<T>(gateway: string, method: string, path: string, expected: number, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const parsed = (text === '' ? undefined : JSON.parse(text)) as T & { error?: { code?: string } };
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status} ${parsed?.error?.code ?? ''}, expected ${expected}`);
  return parsed;
}

/** What the flow saw, for the test's assertions. */
export interface FlowResult {
  readonly username: string;
  readonly displayName: string;
  readonly inboxSubjects: readonly string[];
  readonly ms: number;
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
  await waitForRoutes(gateway, ['/auth/login', '/profile/me', '/mail/mailboxes']);
  let before = new Set((await messagesTo(phone, number)).map((message) => message.id));
  await call(gateway, 'POST', '/auth/register', 201, { username, password, phone: number, firstName: 'Ada' });
  const registration = await nextCode(phone, number, 'registration', before);
  await call(gateway, 'POST', '/auth/verify', 200, { username, code: registration });
  before = new Set((await messagesTo(phone, number)).map((message) => message.id));
  await call(gateway, 'POST', '/auth/login', 202, { username, password });
  const login = await nextCode(phone, number, 'login', before);
  const { accessToken } = await call<{ accessToken: string }>(gateway, 'POST', '/auth/login/verify', 200, { username, code: login });
  await call(gateway, 'POST', '/profile', 201, { displayName: 'Ada in a container' }, accessToken);
  const profile = await call<{ displayName?: string; profile?: { displayName?: string } }>(gateway, 'GET', '/profile/me', 200, undefined, accessToken);
  const subject = `hello from ${username}`;
  await call(gateway, 'POST', '/mail/send', 201, { to: [`${username}@topolab.test`], subject, body: 'sent through the containerized gateway' }, accessToken);
  const inbox = await call<{ messages: { subject: string }[] }>(gateway, 'GET', '/mail/mailboxes/inbox', 200, undefined, accessToken);
  return { username, displayName: profile.profile?.displayName ?? profile.displayName ?? '', inboxSubjects: inbox.messages.map((message) => message.subject), ms: Math.round(performance.now() - started) };
}

import type { InstanceInfo } from '../supervisor/instance-info.js';
import { HttpRequestFailure, sendHttpRequest, type HttpResponse } from '../client/http-request.js';
import type { PhoneMessage, PhoneMessages } from '../control/control-routes.js';
import { runtimeError } from '../errors/error-codes.js';

/** Options of readPhone. */
export interface ReadPhoneOptions {
  /** Only messages to this E.164 number; all numbers when absent. */
  readonly to?: string;
  /** Newest first, at most this many. @default 20 */
  readonly limit?: number;
}

/** Where the phone is read: the instances (to find sms) and the runtime's service tokens (`/sms/messages` is internal). */
export interface PhoneSource {
  instances(): readonly InstanceInfo[];
  serviceToken(audience: string): Promise<string>;
}

/**
 * Asks the first ready SMS instance for its messages, with the runtime's service token (scope
 * `sms.read`), and returns its answer whatever the status. CONTROL_PHONE_UNAVAILABLE when none
 * is ready, CONTROL_UPSTREAM_FAILED when it (or auth, for the token) does not answer.
 */
export async function requestPhone(source: PhoneSource, options: ReadPhoneOptions = {}): Promise<{ sms: InstanceInfo; answer: HttpResponse }> {
  const instances = source.instances();
  const sms = instances.find((instance) => instance.service === 'sms' && instance.state === 'ready');
  if (!sms) throw runtimeError('CONTROL_PHONE_UNAVAILABLE');
  const search = new URLSearchParams({ ...(options.to ? { to: options.to } : {}), ...(options.limit === undefined ? {} : { limit: String(options.limit) }) });
  const host = sms.host.includes(':') ? `[${sms.host}]` : sms.host;
  // A topology without auth (a fixture's) has nobody to issue tokens, nor to check them.
  const hasAuth = instances.some((instance) => instance.service === 'auth');
  const headers: Record<string, string> = hasAuth ? { authorization: `Bearer ${await source.serviceToken('sms')}` } : {};
  try {
    return { sms, answer: await sendHttpRequest({ url: `http://${host}:${sms.port}/sms/messages?${search}`, headers, timeoutMs: 3000 }) };
  } catch (error) {
    if (!(error instanceof HttpRequestFailure)) throw error;
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${sms.id} did not answer (${error.failure}).`, cause: error });
  }
}

/**
 * Reads what the SMS service sent (the simulated phone), newest first (`requestPhone`), 20 at
 * most unless told. CONTROL_UPSTREAM_FAILED also when SMS refuses to list them.
 */
export async function readPhone(source: PhoneSource, options: ReadPhoneOptions = {}): Promise<PhoneMessage[]> {
  const { sms, answer } = await requestPhone(source, { ...options, limit: options.limit ?? 20 });
  if (answer.status !== 200) {
    const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? `HTTP ${answer.status}`;
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${sms.id} refused to list messages (${code}).`, details: { status: answer.status } });
  }
  return [...(answer.body as PhoneMessages).messages];
}

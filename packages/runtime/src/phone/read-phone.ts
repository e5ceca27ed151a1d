import type { InstanceInfo } from '../supervisor/instance-info.js';
import { HttpRequestFailure, sendHttpRequest } from '../client/http-request.js';
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
 * Reads what the SMS service sent (the simulated phone), newest first, from the first ready
 * SMS instance, with the runtime's service token (scope `sms.read`). CONTROL_PHONE_UNAVAILABLE
 * when none is ready, CONTROL_UPSTREAM_FAILED when it (or auth, for the token) does not answer.
 */
export async function readPhone(source: PhoneSource, options: ReadPhoneOptions = {}): Promise<PhoneMessage[]> {
  const sms = source.instances().find((instance) => instance.service === 'sms' && instance.state === 'ready');
  if (!sms) throw runtimeError('CONTROL_PHONE_UNAVAILABLE');
  const search = new URLSearchParams({ ...(options.to ? { to: options.to } : {}), limit: String(options.limit ?? 20) });
  const host = sms.host.includes(':') ? `[${sms.host}]` : sms.host;
  // A topology without auth (a fixture's) has nobody to issue tokens, nor to check them.
  const hasAuth = source.instances().some((instance) => instance.service === 'auth');
  const headers: Record<string, string> = hasAuth ? { authorization: `Bearer ${await source.serviceToken('sms')}` } : {};
  try {
    const answer = await sendHttpRequest({ url: `http://${host}:${sms.port}/sms/messages?${search}`, headers, timeoutMs: 3000 });
    if (answer.status !== 200) {
      const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? `HTTP ${answer.status}`;
      throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${sms.id} refused to list messages (${code}).`, details: { status: answer.status } });
    }
    return [...(answer.body as PhoneMessages).messages];
  } catch (error) {
    if (!(error instanceof HttpRequestFailure)) throw error;
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${sms.id} did not answer (${error.failure}).`, cause: error });
  }
}

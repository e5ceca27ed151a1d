import type { HttpResponse } from '../client/http-request.js';
import type { PhoneMessage, PhoneMessages } from '../control/control-routes.js';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { askReadyInstance, refusalCode, type PhoneSource } from './ask-ready-instance.js';

export type { PhoneSource } from './ask-ready-instance.js';

/** Options of readPhone. */
export interface ReadPhoneOptions {
  /** Only messages to this E.164 number; all numbers when absent. */
  readonly to?: string;
  /** Newest first, at most this many. @default 20 */
  readonly limit?: number;
}

/**
 * Asks the first ready SMS instance for its messages, with the runtime's service token (scope
 * `sms.read`), and returns its answer whatever the status. CONTROL_PHONE_UNAVAILABLE when none
 * is ready, CONTROL_UPSTREAM_FAILED when it (or auth, for the token) does not answer.
 */
export async function requestPhone(source: PhoneSource, options: ReadPhoneOptions = {}): Promise<{ sms: InstanceInfo; answer: HttpResponse }> {
  const search = new URLSearchParams({ ...(options.to ? { to: options.to } : {}), ...(options.limit === undefined ? {} : { limit: String(options.limit) }) });
  const { instance, answer } = await askReadyInstance(source, { service: 'sms', path: `/sms/messages?${search}`, unavailable: 'CONTROL_PHONE_UNAVAILABLE' });
  return { sms: instance, answer };
}

/**
 * Reads what the SMS service sent (the simulated phone), newest first (`requestPhone`), 20 at
 * most unless told. CONTROL_UPSTREAM_FAILED also when SMS refuses to list them.
 */
export async function readPhone(source: PhoneSource, options: ReadPhoneOptions = {}): Promise<PhoneMessage[]> {
  const { sms, answer } = await requestPhone(source, { ...options, limit: options.limit ?? 20 });
  if (answer.status !== 200) {
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${sms.id} refused to list messages (${refusalCode(answer)}).`, details: { status: answer.status } });
  }
  return [...(answer.body as PhoneMessages).messages];
}

import type { AuthenticatorCode } from '@topolab/services/contract';
import type { HttpResponse } from '../client/http-request.js';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { askReadyInstance, refusalCode, type PhoneSource } from './ask-ready-instance.js';

export type { AuthenticatorCode };

/** Options of requestAuthenticator and readAuthenticator. */
export interface AuthenticatorOptions {
  /** The phone's clock is this many time steps (30 s each) ahead (negative: behind), -2 to 2. @default 0 */
  readonly offset?: number;
}

/**
 * Asks the first ready auth instance for the current code of `username`'s authenticator, with
 * the runtime's service token (scope `auth.authenticator`: only the runtime has it — it plays
 * the user's phone, as the SMS inbox does). Returns auth's answer whatever the status.
 * CONTROL_AUTHENTICATOR_UNAVAILABLE when no auth instance is ready.
 */
export async function requestAuthenticator(source: PhoneSource, username: string, options: AuthenticatorOptions = {}): Promise<{ auth: InstanceInfo; answer: HttpResponse }> {
  const query = options.offset ? `?offset=${options.offset}` : '';
  const path = `/auth/internal/authenticator/${encodeURIComponent(username)}${query}`;
  const { instance, answer } = await askReadyInstance(source, { service: 'auth', path, unavailable: 'CONTROL_AUTHENTICATOR_UNAVAILABLE' });
  return { auth: instance, answer };
}

/** The current authenticator code of `username`; CONTROL_UPSTREAM_FAILED when auth refuses (no authenticator enrolled, unknown user). */
export async function readAuthenticator(source: PhoneSource, username: string, options: AuthenticatorOptions = {}): Promise<AuthenticatorCode> {
  const { auth, answer } = await requestAuthenticator(source, username, options);
  if (answer.status !== 200) {
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${auth.id} gave no authenticator code (${refusalCode(answer)}).`, details: { status: answer.status } });
  }
  return answer.body as AuthenticatorCode;
}

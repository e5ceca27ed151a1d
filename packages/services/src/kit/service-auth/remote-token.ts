import { serviceTokenPath } from '../../contract/service-auth.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import { basicCredentials, grantOf, tokenRequestForm, type FetchServiceToken } from '../../contract/service-token-source.js';

/** auth refused or failed a token request. */
export class ServiceTokenError extends Error {
  override readonly name = 'ServiceTokenError';
  constructor(
    message: string,
    /** The OAuth `error` code (RFC 6749 §5.2), or `unavailable` when auth could not be reached. */
    readonly error: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of createRemoteTokenFetch. */
export interface RemoteTokenFetchOptions {
  /** A caller WITHOUT a token source: the token request authenticates with the client secret. */
  readonly caller: ServiceCaller;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default 2000 */
  readonly timeoutMs?: number;
}

/**
 * Asks some auth instance for a client-credentials token (RFC 6749 §4.4.2): a form POST with
 * `grant_type=client_credentials` and the scopes, the client authenticated with HTTP Basic.
 */
export function createRemoteTokenFetch(options: RemoteTokenFetchOptions): FetchServiceToken {
  const authorization = basicCredentials(options.clientId, options.clientSecret);
  return async (scopes, trace) => {
    let answer;
    try {
      answer = await options.caller.call<{ error?: unknown } | undefined>({
        service: 'auth',
        method: 'POST',
        path: serviceTokenPath,
        form: tokenRequestForm(scopes),
        headers: { authorization },
        timeoutMs: options.timeoutMs ?? 2000,
        ...(trace ? { trace } : {}),
      });
    } catch (error) {
      throw new ServiceTokenError('auth could not be reached for a service token', 'unavailable', { cause: error });
    }
    const grant = grantOf(answer.status, answer.body);
    if (grant) return grant;
    const error = answer.body?.error;
    throw new ServiceTokenError(`auth refused a service token (${answer.status})`, typeof error === 'string' ? error : 'server_error');
  };
}

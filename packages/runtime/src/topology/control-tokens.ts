import { controlClientId, clientSecretFor, serviceTokenPath } from '@topolab/services/contract';
import { basicCredentials, createServiceTokenSource, grantOf, tokenRequestForm, type ServiceTokenSource } from '@topolab/services/contract';
import { HttpRequestFailure, sendHttpRequest } from '../client/http-request.js';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { formatHttpUrl } from './addresses.js';

/** Options of createControlTokens. */
export interface ControlTokensOptions {
  /** The topology's client key (every client's secret derives from it). */
  readonly clientKey: string;
  /** The instances now: tokens come from the first ready auth instance. */
  readonly instances: () => readonly InstanceInfo[];
}

/**
 * The runtime's own service tokens (client `control`: the phone, the event log, scenarios),
 * from auth's token endpoint like any instance's, cached per audience until near expiry.
 * CONTROL_UPSTREAM_FAILED when no auth instance answers or auth refuses.
 */
export function createControlTokens(options: ControlTokensOptions): ServiceTokenSource {
  const authorization = basicCredentials(controlClientId, clientSecretFor(options.clientKey, controlClientId));
  return createServiceTokenSource({
    clientId: controlClientId,
    async fetch(scopes) {
      const auth = options.instances().find((instance) => instance.service === 'auth' && instance.state === 'ready');
      if (!auth) throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: 'No auth instance is ready to issue a service token.' });
      let answer;
      try {
        answer = await sendHttpRequest({
          url: `${formatHttpUrl(auth.host, auth.port)}${serviceTokenPath}`,
          method: 'POST',
          headers: { authorization },
          form: tokenRequestForm(scopes),
          timeoutMs: 3000,
        });
      } catch (error) {
        if (!(error instanceof HttpRequestFailure)) throw error;
        throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${auth.id} did not answer a token request (${error.failure}).`, cause: error });
      }
      const grant = grantOf(answer.status, answer.body);
      if (grant) return grant;
      const code = (answer.body as { error_code?: unknown } | undefined)?.error_code;
      throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${auth.id} refused a service token (${String(code ?? answer.status)}).` });
    },
  });
}

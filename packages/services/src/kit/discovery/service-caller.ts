import { CallError, type CallOptions, type CallResult, type HttpClient } from '../http/client.js';
import { credentialsOf, type ServiceCredentials, type ServiceTokenSource } from '../../contract/service-token-source.js';
import type { CatalogCache } from './catalog-cache.js';
import { createRoundRobin } from './round-robin.js';

/** One call to "some instance of service X": a call without its address, which the catalog picks. */
export interface ServiceCall extends Pick<CallOptions, 'method' | 'path' | 'body' | 'form' | 'headers' | 'trace' | 'timeoutMs'> {
  readonly service: string;
}

/** Thrown when no live instance of the service could take the call. */
export class NoInstanceError extends Error {
  override readonly name = 'NoInstanceError';
  constructor(readonly service: string, options?: { cause?: unknown }) {
    super(`No reachable instance of ${service}`, options);
  }
}

/** Service-to-service calls resolved through the registry, like any client-side discovery. */
export interface ServiceCaller {
  call<T = unknown>(call: ServiceCall): Promise<CallResult<T>>;
  /** This caller's token for `service`, for requests that do not go through `call` (SSE streams); absent on test fakes. */
  credentials?(service: string): ServiceCredentials;
}

const noCredentials: ServiceCredentials = Object.freeze({ token: () => Promise.resolve(undefined), refused: () => undefined });

/**
 * Resolves the service in the catalog cache, picks an instance round-robin and calls it; a
 * refused connection (the request never arrived) moves on to the next instance. With `tokens`,
 * each call carries this instance's service token for the called service (client credentials,
 * contract/service-auth.ts); a 401 for a token once cached gets one fresh token and one retry.
 */
export function createServiceCaller(catalog: CatalogCache, http: HttpClient, tokens?: ServiceTokenSource): ServiceCaller {
  const picker = createRoundRobin();
  const caller: ServiceCaller = {
    async call<T>(call: ServiceCall): Promise<CallResult<T>> {
      if (!tokens || call.headers?.authorization !== undefined) return send<T>(call);
      const token = await tokens.token(call.service, call.trace);
      if (token === undefined) return send<T>(call);
      const answer = await send<T>({ ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } });
      if (answer.status !== 401) return answer;
      // Auth's key may have changed since (a new data dir): one fresh token, one more try.
      tokens.invalidate(call.service);
      const fresh = await tokens.token(call.service, call.trace);
      return fresh === undefined || fresh === token ? answer : send<T>({ ...call, headers: { ...call.headers, authorization: `Bearer ${fresh}` } });
    },
    credentials: (service) => (tokens ? credentialsOf(tokens, service) : noCredentials),
  };

  async function send<T>(call: ServiceCall): Promise<CallResult<T>> {
    const tried = new Set<string>();
    let lastError: unknown;
    for (;;) {
      const instance = picker.pick(call.service, catalog.instances(call.service), tried);
      if (!instance) throw new NoInstanceError(call.service, { cause: lastError });
      tried.add(instance.instanceId);
      try {
        return await http.call<T>({
          host: instance.host,
          port: instance.port,
          method: call.method,
          path: call.path,
          body: call.body,
          ...(call.form ? { form: call.form } : {}),
          ...(call.headers ? { headers: call.headers } : {}),
          ...(call.trace ? { trace: call.trace } : {}),
          ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
          name: `${call.service}: ${call.method} ${call.path}`,
          attributes: { peer: instance.instanceId },
        });
      } catch (error) {
        if (!(error instanceof CallError) || error.failure !== 'refused') throw error;
        lastError = error;
      }
    }
  }
  return caller;
}

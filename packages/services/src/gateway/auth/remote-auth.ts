import type { ServiceCaller } from '../../kit/discovery/service-caller.js';
import { isJti, isUserId } from '../../kit/token-cache/token-facts.js';
import { gatewayErrors } from '../errors.js';
import type { AuthMode, TokenCheck } from './auth-mode.js';

/** Options of createRemoteAuth. */
export interface RemoteAuthOptions {
  /** Calls "some auth instance", found through the gateway's catalog. */
  readonly caller: ServiceCaller;
  /** How long one introspection may take. @default 2000 */
  readonly timeoutMs?: number;
}

/** The answer of `POST /auth/introspect` (RFC 7662 §2.2). */
interface IntrospectAnswer {
  readonly active?: unknown;
  readonly sub?: unknown;
  readonly jti?: unknown;
  readonly exp?: unknown;
}

// Remote auth has no cache: every verdict comes from auth itself.
const origin = { authSource: 'auth' } as const;

/**
 * Remote auth: every protected request asks an auth instance `POST /auth/introspect { token }`.
 * Simple and always current, and exactly the load and latency the other modes remove.
 */
export function createRemoteAuth(options: RemoteAuthOptions): AuthMode {
  const { caller } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  return {
    name: 'remote',
    async check(token, trace): Promise<TokenCheck> {
      let answer;
      try {
        answer = await caller.call<IntrospectAnswer>({ service: 'auth', method: 'POST', path: '/auth/introspect', body: { token }, trace, timeoutMs });
      } catch (error) {
        throw gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ cause: error });
      }
      const body = answer.body;
      if (answer.status === 200 && body?.active === true && isUserId(body.sub) && isJti(body.jti) && typeof body.exp === 'number') {
        return { active: true, userId: body.sub, token: { jti: body.jti, exp: body.exp }, origin };
      }
      if (answer.status === 200 && body?.active === false) return { active: false, origin };
      throw gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ message: `Auth answered the token check with status ${answer.status} and no verdict.` });
    },
    close() {},
  };
}

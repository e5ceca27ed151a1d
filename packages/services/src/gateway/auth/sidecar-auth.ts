import type { HttpClient } from '../../kit/http/client.js';
import type { Telemetry } from '../../kit/telemetry.js';
import { isJti, isUserId } from '../../kit/token-cache/token-facts.js';
import { gatewayErrors } from '../errors.js';
import type { AuthMode, TokenCheck, VerdictOrigin } from './auth-mode.js';

/** Options of createSidecarAuth. */
export interface SidecarAuthOptions {
  /** This gateway's own sidecar, on loopback (`TOPOLAB_SIDECAR_URL`). */
  readonly url: string;
  readonly http: HttpClient;
  readonly telemetry: Telemetry;
  /** How long one check may take. @default 1000 */
  readonly timeoutMs?: number;
}

/** The answer of the sidecar's `POST /check`. */
interface SidecarAnswer {
  readonly active?: unknown;
  readonly sub?: unknown;
  readonly jti?: unknown;
  readonly exp?: unknown;
  readonly source?: unknown;
  readonly forged?: unknown;
}

/**
 * Sidecar auth: every protected request asks the co-located sidecar `POST /check { token }`;
 * the sidecar caches, fills from the global cache and auth, and follows revocations. The
 * sidecar IS the auth path here: when it does not answer the gateway refuses with
 * GATEWAY_AUTH_UNAVAILABLE (503) and reports `gateway.auth.degraded` once (until it answers
 * again: `gateway.auth.restored`), rather than silently moving every check onto auth.
 */
export function createSidecarAuth(options: SidecarAuthOptions): AuthMode {
  const { http, telemetry } = options;
  const target = new URL(options.url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  const timeoutMs = options.timeoutMs ?? 1000;
  let down = false;

  function unavailable(reason: string, cause?: unknown, message?: string): Error {
    if (!down) {
      down = true;
      telemetry.event('gateway.auth.degraded', { mode: 'sidecar', reason });
      telemetry.warn('the sidecar does not answer; protected requests are refused', { mode: 'sidecar', reason });
    }
    return gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ ...(message ? { message } : {}), cause });
  }

  return {
    name: 'sidecar',
    async check(token, trace): Promise<TokenCheck> {
      let answer;
      try {
        answer = await http.call<SidecarAnswer>({ host, port, method: 'POST', path: '/check', body: { token }, trace, timeoutMs, name: 'sidecar: POST /check' });
      } catch (error) {
        throw unavailable('the sidecar is unreachable', error, 'The gateway cannot reach its auth sidecar.');
      }
      const body = answer.status === 200 ? answer.body : undefined;
      if (body?.active !== true && body?.active !== false) throw unavailable(`the sidecar answered with status ${answer.status}`);
      if (down) {
        down = false;
        telemetry.event('gateway.auth.restored', { mode: 'sidecar' });
        telemetry.info('the sidecar answers again', { mode: 'sidecar' });
      }
      // A token the sidecar refused by its signature reached no cache.
      const origin: VerdictOrigin = body.source === 'signature' ? { authSource: 'sidecar' } : { cache: body.source === 'auth' ? 'miss' : 'hit', authSource: 'sidecar' };
      if (body.active === true && isUserId(body.sub) && isJti(body.jti) && typeof body.exp === 'number') return { active: true, userId: body.sub, token: { jti: body.jti, exp: body.exp }, origin };
      if (body.active === true) throw unavailable('the sidecar answered without a user id or token id');
      return { active: false, origin: body.forged === true ? { ...origin, forged: true } : origin };
    },
    close() {},
  };
}

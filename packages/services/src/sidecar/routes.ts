import { defineRoute, type Route } from '../kit/http/router.js';
import type { TokenVerdicts } from '../kit/token-cache/token-verdicts.js';
import type { TokenChecker } from './token-checker.js';
import { sidecarErrors } from './errors.js';
import * as z from '../kit/zod.js';

// Access JWTs are a few hundred bytes; anything far longer is not one.
const checkBody = z.object({ token: z.string().check(z.minLength(1), z.maxLength(8192)) });

/** What the sidecar's routes work with. */
export interface SidecarRouteDeps {
  readonly checker: TokenChecker;
  readonly verdicts: TokenVerdicts;
  /** Whether `start` ran: the catalog is loaded (auth can be found) and revocations are followed. */
  readonly started: () => boolean;
}

/** `POST /check` and `GET /health`. */
export function createSidecarRoutes(deps: SidecarRouteDeps): Route[] {
  const { checker, verdicts, started } = deps;

  const check = defineRoute({
    method: 'POST',
    path: '/check',
    body: checkBody,
    async handler({ body, trace, attributes }) {
      const verdict = await checker.check(body.token, trace);
      attributes.active = verdict.active;
      attributes.source = verdict.source;
      // A token refused by its signature never reached a cache.
      if (verdict.source !== 'signature') attributes.cache = verdict.source === 'auth' ? 'miss' : 'hit';
      if (!verdict.active && verdict.forged) attributes.forged = true;
      return verdict;
    },
  });

  // The sidecar keeps no data of its own; it reports whether revocations reach it. It listens
  // before it can find auth, so until `start` ran it is not ready: a Compose health check or the
  // readiness probe of the pod it shares with the gateway waits. (A check sent meanwhile gets
  // SIDECAR_AUTH_UNAVAILABLE, and the gateway 503 GATEWAY_AUTH_UNAVAILABLE.)
  const health = defineRoute({
    method: 'GET',
    path: '/health',
    handler: () => {
      if (!started()) throw sidecarErrors.SIDECAR_NOT_READY();
      return { status: 'ok', revocations: verdicts.degraded ? 'degraded' : 'live', cached: verdicts.size };
    },
  });

  return [check, health];
}

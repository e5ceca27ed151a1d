import { defineRoute, type Route } from '../kit/http/router.js';
import type { TokenVerdicts } from '../kit/token-cache/token-verdicts.js';
import type { TokenChecker } from './token-checker.js';
import * as z from '../kit/zod.js';

// Access JWTs are a few hundred bytes; anything far longer is not one.
const checkBody = z.object({ token: z.string().check(z.minLength(1), z.maxLength(8192)) });

/** What the sidecar's routes work with. */
export interface SidecarRouteDeps {
  readonly checker: TokenChecker;
  readonly verdicts: TokenVerdicts;
}

/** `POST /check` and `GET /health`. */
export function createSidecarRoutes(deps: SidecarRouteDeps): Route[] {
  const { checker, verdicts } = deps;

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

  // The sidecar keeps no data of its own; it reports whether revocations reach it.
  const health = defineRoute({
    method: 'GET',
    path: '/health',
    handler: () => ({ status: 'ok', revocations: verdicts.degraded ? 'degraded' : 'live', cached: verdicts.size }),
  });

  return [check, health];
}

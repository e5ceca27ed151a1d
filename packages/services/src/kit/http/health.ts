import type { ServiceError } from '../errors.js';
import { defineRoute, type Route } from './router.js';

/**
 * `GET /health` of a service over a database: 200 `{ status: 'ok' }` while `ping` answers,
 * else the service's own "database unavailable" error (503), so the supervisor and the
 * registry's passive checks see the store, not only the process.
 */
export function databaseHealthRoute(ping: () => boolean | void, unavailable: (options: { cause?: unknown }) => ServiceError): Route {
  return defineRoute({
    method: 'GET',
    path: '/health',
    handler() {
      let healthy: boolean | void;
      try {
        healthy = ping();
      } catch (error) {
        throw unavailable({ cause: error });
      }
      if (healthy === false) throw unavailable({});
      return { status: 'ok' };
    },
  });
}

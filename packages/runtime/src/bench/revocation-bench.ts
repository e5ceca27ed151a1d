import { performance } from 'node:perf_hooks';
import type { AuthModeName } from '@topolab/services/contract';
import { createGatewayClient, type GatewayClient } from '../client/gateway-client.js';
import { percentile } from './bench-stats.js';
import { withBenchTopology, type BenchTopologyOptions } from './bench-topology.js';
import type { RevocationResult } from './bench-types.js';
import { createBenchSessions } from './bench-users.js';

/** What measureRevocationLag needs. */
export interface RevocationOptions {
  readonly auth: AuthModeName;
  /** Logouts to time. @default 50 */
  readonly sessions?: number;
  /** Gateways probed with each token. @default 2 */
  readonly gateways?: number;
  /** Probing of one token stops after this long without every gateway refusing it. @default 5000 */
  readonly giveUpMs?: number;
  /** `redis`: the global cache and the bus on a supervised redis-server. @default 'embedded' */
  readonly backend?: 'embedded' | 'redis';
  /** More options of the topology (a manifest, `env`). */
  readonly topology?: BenchTopologyOptions;
}

/**
 * The time from a logout's answer until every gateway refuses the token, once per session.
 * Each gateway is probed back to back with `GET /auth/me`; the lag of one gateway is 0 when
 * its first probe sent after the logout's answer was refused, else the send time of its
 * first refused probe. A probe already in flight at the logout is not lag.
 */
export async function measureRevocationLag(options: RevocationOptions): Promise<RevocationResult> {
  const count = options.sessions ?? 50;
  const giveUpMs = options.giveUpMs ?? 5000;
  const backend = options.backend ?? 'embedded';
  const backends = backend === 'redis' ? { backends: { cache: 'redis' as const, bus: 'redis' as const } } : {};
  return withBenchTopology({ modes: { auth: options.auth }, replicas: { gateway: options.gateways ?? 2 }, ...backends }, async (topology) => {
    const gateways = topology.gatewayUrls.map((url) => createGatewayClient(url));
    try {
      const sessions = await createBenchSessions({ gateway: gateways[0]!, phone: topology }, count);
      const lags: number[] = [];
      let acceptedAfterLogout = 0;
      for (const session of sessions) {
        const token = session.accessToken;
        // Every gateway has seen (and, in the caching modes, cached) the token before the logout.
        for (const gateway of gateways) await gateway.request({ method: 'GET', path: '/auth/me', token });
        let loggedOutAt: number | undefined;
        let stop = false;
        const probe = async (gateway: GatewayClient): Promise<number> => {
          let acceptedHere = 0;
          for (;;) {
            const sentAt = performance.now();
            const answer = await gateway.request({ method: 'GET', path: '/auth/me', token });
            if (loggedOutAt !== undefined && sentAt > loggedOutAt) {
              if (answer.status === 401) return acceptedHere === 0 ? 0 : sentAt - loggedOutAt;
              acceptedHere += 1;
              acceptedAfterLogout += 1;
            }
            if (stop) return Number.NaN;
          }
        };
        const probes = gateways.map(probe);
        const logout = await gateways[0]!.request({ method: 'POST', path: '/auth/logout', token, body: { refreshToken: session.refreshToken } });
        loggedOutAt = performance.now();
        if (logout.status !== 204) {
          stop = true;
          await Promise.allSettled(probes);
          throw new Error(`POST /auth/logout answered ${logout.status}, expected 204`);
        }
        const timer = setTimeout(() => (stop = true), giveUpMs);
        // A probe that throws (a gateway gone) must not leave the others probing forever.
        const perGateway = await Promise.all(probes).finally(() => {
          stop = true;
          clearTimeout(timer);
        });
        lags.push(perGateway.some(Number.isNaN) ? giveUpMs : Math.max(...perGateway));
      }
      return {
        auth: options.auth,
        backend,
        gateways: gateways.length,
        sessions: sessions.length,
        p50Ms: percentile(lags, 50),
        p99Ms: percentile(lags, 99),
        maxMs: Math.max(...lags),
        acceptedAfterLogout,
      };
    } finally {
      for (const gateway of gateways) gateway.close();
    }
  }, options.topology);
}

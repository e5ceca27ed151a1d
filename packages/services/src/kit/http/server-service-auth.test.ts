import { afterEach, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../contract/registry-api.js';
import type { ServiceGuard } from '../service-auth/guard.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { defineRoute, Router, type Route } from './router.js';
import { createHttpServer } from './server.js';

// What the kit's server does with the service-token scope of a route (issue 23; RFC 6750 bearer,
// OWASP ASVS 4.0.3 V4.1.3 least privilege, CWE-287): no internal path may be served without a
// token check, whichever route pattern matches it.

const registered: RouteSpec[] = [
  { prefix: '/demo', access: 'protected' },
  { prefix: '/demo/internal', access: 'internal' },
];
const { telemetry } = recordTelemetry('demo');
const servers: import('node:http').Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await closeServer(server);
});

async function serve(routes: Route[], guard: ServiceGuard | 'none' = createTestServiceGuard('demo')) {
  const router = new Router().add(...routes);
  const server = createHttpServer({ router, telemetry, registered, serviceAuth: guard === 'none' ? undefined : guard });
  servers.push(server);
  return { base: (await listenOnLoopback(server)).url, router };
}

const secret = defineRoute({ method: 'GET', path: '/demo/internal/things', scope: 'profile.read', handler: () => ({ secret: true }) });

describe('internal routes are served only after a token check', () => {
  it('checks the scope of an internal route: 401 without a token, 403 without the scope, 200 with it', async () => {
    const { base } = await serve([secret]);
    expect((await fetch(`${base}/demo/internal/things`)).status).toBe(401);
    expect((await fetch(`${base}/demo/internal/things`, { headers: testServiceHeaders('mail#1', 'demo', ['profile.events']) })).status).toBe(403);
    const ok = await fetch(`${base}/demo/internal/things`, { headers: testServiceHeaders('graphql#1', 'demo', ['profile.read']) });
    expect(ok.status).toBe(200);
    expect(await jsonOf(ok)).toEqual({ secret: true });
  });

  it('checks HEAD of a scoped GET route too', async () => {
    const { base } = await serve([secret]);
    expect((await fetch(`${base}/demo/internal/things`, { method: 'HEAD' })).status).toBe(401);
  });

  it('checks paths with empty segments (//demo//internal/things) like the route they match', async () => {
    const { base } = await serve([secret]);
    const res = await fetch(`${base}//demo//internal/things`);
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
  });

  it('refuses to build a server where a parameter route without a scope could serve an internal path (/demo/:section/things)', () => {
    const shadow = defineRoute({ method: 'GET', path: '/demo/:section/things', handler: ({ params }) => ({ section: params.section }) });
    // Added first, it would answer GET /demo/internal/things (and /demo/%69nternal/things) without any token check.
    expect(() => createHttpServer({ router: new Router().add(shadow, secret), telemetry, registered, serviceAuth: createTestServiceGuard('demo') })).toThrow(
      /GET \/demo\/:section\/things names no service-token scope/,
    );
    expect(() => createHttpServer({ router: new Router().add(defineRoute({ method: 'GET', path: '/demo/:id', handler: () => ({}) })), telemetry, registered, serviceAuth: createTestServiceGuard('demo') })).toThrow(
      /names no service-token scope/,
    );
    expect(() => createHttpServer({ router: new Router().add(defineRoute({ method: 'POST', path: '/:service/internal/things', handler: () => ({}) })), telemetry, registered, serviceAuth: createTestServiceGuard('demo') })).toThrow(
      /names no service-token scope/,
    );
  });

  it('still builds parameter routes that cannot reach an internal path', async () => {
    const routes = [
      defineRoute({ method: 'GET', path: '/demo/users/:id', handler: ({ params }) => ({ id: params.id }) }),
      defineRoute({ method: 'GET', path: '/demo', handler: () => ({}) }),
      defineRoute({ method: 'GET', path: '/other/:id', handler: () => ({}) }),
      secret,
    ];
    const { base } = await serve(routes);
    expect((await fetch(`${base}/demo/users/u1`)).status).toBe(200);
    expect((await fetch(`${base}/demo/internal/things`)).status).toBe(401);
  });

  it('fails closed for a scoped route added to the router after the server was built without a guard: 401 without a token, 503 with one', async () => {
    const { base, router } = await serve([defineRoute({ method: 'GET', path: '/demo', handler: () => ({}) })], 'none');
    router.add(defineRoute({ method: 'GET', path: '/demo/internal/late', scope: 'profile.read', handler: () => ({ secret: true }) }));
    const missing = await fetch(`${base}/demo/internal/late`);
    expect(missing.status).toBe(401);
    expect((await jsonOf(missing)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    const unchecked = await fetch(`${base}/demo/internal/late`, { headers: testServiceHeaders('graphql#1', 'demo', ['profile.read']) });
    expect(unchecked.status).toBe(503);
    expect((await jsonOf(unchecked)).error.code).toBe('HTTP_SERVICE_AUTH_UNAVAILABLE');
  });

  it('answers 503 HTTP_SERVICE_AUTH_UNAVAILABLE, never the route, when the guard cannot check a token', async () => {
    const broken: ServiceGuard = {
      audience: 'demo',
      verify: () => Promise.reject(new Error("auth's keys are unavailable")),
    };
    const { base } = await serve([secret], broken);
    const res = await fetch(`${base}/demo/internal/things`, { headers: testServiceHeaders('graphql#1', 'demo', ['profile.read']) });
    expect(res.status).toBe(503);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_AUTH_UNAVAILABLE');
  });

  it('takes no token from the query string (RFC 6750 §2.3 is not offered) or a non-Bearer scheme', async () => {
    const { base } = await serve([secret]);
    const token = testServiceHeaders('graphql#1', 'demo', ['profile.read']).authorization!.slice('Bearer '.length);
    expect((await fetch(`${base}/demo/internal/things?access_token=${token}`)).status).toBe(401);
    expect((await fetch(`${base}/demo/internal/things`, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
  });
});

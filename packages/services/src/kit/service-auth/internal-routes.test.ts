import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../http/server.js';
import { defineRoute, Router } from '../http/router.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createTestServiceGuard } from '#test-support/kit-service-auth.js';

const registered = [{ prefix: '/demo', access: 'protected' as const }, { prefix: '/demo/internal', access: 'internal' as const }];
const { telemetry } = recordTelemetry('demo');

describe('internal routes cannot be left open', () => {
  it('refuses to build a server with an internal route that names no scope', () => {
    const router = new Router().add(defineRoute({ method: 'GET', path: '/demo/internal/things', handler: () => ({}) }));
    expect(() => createHttpServer({ router, telemetry, registered, serviceAuth: createTestServiceGuard('demo') })).toThrow(/names no service-token scope/);
  });

  it('refuses to build a server with a scoped route but no guard to check tokens', () => {
    const router = new Router().add(defineRoute({ method: 'GET', path: '/demo/internal/things', scope: 'profile.read', handler: () => ({}) }));
    expect(() => createHttpServer({ router, telemetry, registered })).toThrow(/needs a service guard/);
  });

  it('builds one whose internal routes all name a scope, and leaves other routes alone', () => {
    const router = new Router().add(
      defineRoute({ method: 'GET', path: '/demo/internal/things', scope: 'profile.read', handler: () => ({}) }),
      defineRoute({ method: 'GET', path: '/demo/me', handler: () => ({}) }),
    );
    expect(() => createHttpServer({ router, telemetry, registered, serviceAuth: createTestServiceGuard('demo') })).not.toThrow();
  });
});

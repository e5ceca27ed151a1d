import { describe, expect, it } from 'vitest';
import { controlRoutes, matchControlRoute } from './control-routes.js';
import { createControlToken, isAuthorized } from './control-token.js';

describe('control token', () => {
  it('is 64 hex chars and accepted only as an exact bearer token', () => {
    const token = createControlToken();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(createControlToken()).not.toBe(token);
    expect(isAuthorized(`Bearer ${token}`, token)).toBe(true);
    expect(isAuthorized(undefined, token)).toBe(false);
    expect(isAuthorized(token, token)).toBe(false);
    expect(isAuthorized(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(isAuthorized(`Bearer ${'0'.repeat(64)}`, token)).toBe(false);
  });
});

describe('matchControlRoute', () => {
  it('matches whole segments and decodes parameters', () => {
    expect(matchControlRoute(controlRoutes, 'GET', '/v1/status')?.route.path).toBe('/v1/status');
    expect(matchControlRoute(controlRoutes, 'GET', '/v1/phone/%2B447700900123')?.params).toEqual({ number: '+447700900123' });
    expect(matchControlRoute(controlRoutes, 'POST', '/v1/status')).toBeUndefined();
    expect(matchControlRoute(controlRoutes, 'GET', '/v1/phone/')).toBeUndefined();
    expect(matchControlRoute(controlRoutes, 'GET', '/v1/status/x')).toBeUndefined();
  });
});

import { HttpRouter } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { controlRoutes, type ControlRoute } from './control-routes.js';
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

describe('the control routes on the contract router', () => {
  const router = new HttpRouter<ControlRoute>().add(...controlRoutes);
  const found = (method: string, path: string) => {
    const match = router.match(method, path);
    return match.kind === 'found' ? match : undefined;
  };

  it('matches whole segments and decodes parameters', () => {
    expect(found('GET', '/v1/status')?.route.path).toBe('/v1/status');
    expect(found('GET', '/v1/phone/%2B447700900123')?.params).toEqual({ number: '+447700900123' });
    expect(found('POST', '/v1/status')).toBeUndefined();
    expect(router.match('POST', '/v1/status')).toEqual({ kind: 'wrong-method', allow: ['GET'] });
    expect(found('GET', '/v1/phone/')).toBeUndefined();
    expect(found('GET', '/v1/status/x')).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { clientSecretFor } from '../src/contract/service-auth.js';
import type { ServiceCaller } from '../src/kit/discovery/service-caller.js';
import type { ServiceGuard, ServiceTokenClaims } from '../src/kit/service-auth/guard.js';
import { createRemoteTokenFetch } from '../src/kit/service-auth/remote-token.js';
import { createServiceTokenSource, type ServiceTokenSource } from '../src/contract/service-token-source.js';

/**
 * A guard for in-process app tests: it accepts only tokens made by `testServiceToken` for its
 * audience, so a test can call an internal route with, without, or with a wrongly scoped token.
 */
export function createTestServiceGuard(audience: string): ServiceGuard {
  return {
    audience,
    async verify(token) {
      if (!token.startsWith('test.')) return undefined;
      let claims: ServiceTokenClaims & { aud?: string };
      try {
        claims = JSON.parse(Buffer.from(token.slice(5), 'base64url').toString('utf8')) as ServiceTokenClaims & { aud?: string };
      } catch {
        return undefined;
      }
      return claims.aud === audience ? { clientId: claims.clientId, scopes: claims.scopes, exp: claims.exp } : undefined;
    },
  };
}

/** A token `createTestServiceGuard(audience)` accepts: `{ authorization: \`Bearer ${token}\` }`. */
export function testServiceToken(clientId: string, audience: string, scopes: readonly string[]): string {
  const claims = { clientId, aud: audience, scopes, exp: Math.floor(Date.now() / 1000) + 300, jti: randomUUID() };
  return `test.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
}

/** Headers carrying a test service token for `audience` with `scopes`. */
export function testServiceHeaders(clientId: string, audience: string, scopes: readonly string[]): Record<string, string> {
  return { authorization: `Bearer ${testServiceToken(clientId, audience, scopes)}` };
}

/** The client key test auths run with (`startTestAuth`), so test clients can get real service tokens. */
export const testClientKey = 'test-client-key-0123456789abcdefghijklmnop';

/** A token source for `clientId` that asks the test auth behind `caller` (built with testClientKey). */
export function createTestTokenSource(caller: ServiceCaller, clientId: string): ServiceTokenSource {
  const fetch = createRemoteTokenFetch({ caller, clientId, clientSecret: clientSecretFor(testClientKey, clientId) });
  return createServiceTokenSource({ clientId, fetch });
}

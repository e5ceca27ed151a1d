import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../contract/registry-api.js';
import { ConfigError } from '../../kit/config.js';
import { parseGatewayConfig } from '../config.js';
import { assertedUser, buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream, startTestGateway, type EchoRecord } from '#test-support/gateway.js';
import { createNoAuth } from './no-auth.js';
import { startAuthModeFixture, testTrace } from '#test-support/gateway-auth.js';
import { testGatewayEnv } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

const base = testGatewayEnv;

/** An unsigned token carrying `claims` (what `none` must accept, and every real mode refuses). */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(claims)}.`;
}

describe('the bench-only auth mode none', () => {
  it('is refused at start without TOPOLAB_BENCH_NO_AUTH=1', () => {
    expect(() => parseGatewayConfig({ ...base, TOPOLAB_AUTH_MODE: 'none' })).toThrow(ConfigError);
    expect(() => parseGatewayConfig({ ...base, TOPOLAB_AUTH_MODE: 'none', TOPOLAB_BENCH_NO_AUTH: 'yes' })).toThrow(ConfigError);
    expect(parseGatewayConfig(base).benchNoAuth).toBe(false);
    expect(parseGatewayConfig({ ...base, TOPOLAB_AUTH_MODE: 'none', TOPOLAB_BENCH_NO_AUTH: '1' })).toMatchObject({ authMode: 'none', benchNoAuth: true });
  });

  it('is built by the factory only with the opt-in', async () => {
    const refusing = await closeAfterTest(startAuthModeFixture());
    expect(() => refusing.mode('none')).toThrow(/TOPOLAB_BENCH_NO_AUTH/);
    const optedIn = await closeAfterTest(startAuthModeFixture({ env: { TOPOLAB_BENCH_NO_AUTH: '1' } }));
    const mode = optedIn.mode('none');
    expect(mode.name).toBe('none');
    const { accessToken, userId } = await optedIn.login();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, userId, token: { jti: expect.any(String), exp: expect.any(Number) } });
    expect(optedIn.calls('/auth/introspect') + optedIn.calls('/auth/.well-known/jwks.json')).toBe(0);
  });

  it('takes the sub of any decodable token unverified, and refuses what has none', async () => {
    const mode = createNoAuth();
    expect(await mode.check(unsignedToken({ sub: 'usr_1', jti: 'j1', exp: 4e9 }), testTrace())).toEqual({ active: true, userId: 'usr_1', token: { jti: 'j1', exp: 4e9 } });
    for (const bad of ['not-a-jwt', unsignedToken({ name: 'no sub', jti: 'j1', exp: 4e9 }), unsignedToken({ sub: 'has a space', jti: 'j1', exp: 4e9 }), unsignedToken({ sub: 42, jti: 'j1', exp: 4e9 }), unsignedToken({ sub: 'usr_1' })]) {
      expect((await mode.check(bad, testTrace())).active).toBe(false);
    }
  });

  it('lets the gateway name the token\'s sub in its identity assertion, and still needs a bearer token', async () => {
    const routes: RouteEntry[] = [{ prefix: '/profile', access: 'protected', service: 'profile' }];
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const gw = await closeAfterTest(startTestGateway({ catalog: createFixedCatalog(buildCatalog(routes, { profile: [profile] })), auth: createNoAuth() }));
    const ok = await send(gw.port, '/profile/me', { headers: { authorization: `Bearer ${unsignedToken({ sub: 'usr_bench', jti: 'j1', exp: 4e9 })}`, 'x-user-id': 'someone-else' } });
    expect(ok.status).toBe(200);
    expect(await assertedUser(ok.body as EchoRecord, 'profile')).toBe('usr_bench');
    expect((ok.body as EchoRecord).headers['x-user-id']).toBeUndefined();
    const missing = await send(gw.port, '/profile/me');
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('GATEWAY_UNAUTHENTICATED');
    const garbage = await send(gw.port, '/profile/me', { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(errorCode(garbage)).toBe('GATEWAY_TOKEN_INVALID');
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityAssertionHeader } from '@topolab/services/contract';
import { backendsRequired } from '@topolab/test-support/programs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttpRequest } from '../src/index.js';
import { signUpWithProfile, startRealTopology, type RealTopology } from './real-topology.js';

/**
 * Debian's Python with its python3-jwt (PyJWT) and python3-cryptography: a JWT library nobody
 * here wrote. Skipped without it, unless TOPOLAB_REQUIRE_BACKENDS=1 (CI installs it).
 */
const python = '/usr/bin/python3';
const hasPyJwt = existsSync(python) && spawnSync(python, ['-c', 'import jwt, cryptography'], { encoding: 'utf8' }).status === 0;
if (!hasPyJwt && backendsRequired()) throw new Error('python3-jwt is required (TOPOLAB_REQUIRE_BACKENDS=1) but /usr/bin/python3 cannot import jwt');

/** What the PyJWT script prints: the claims it verified, or the error it raised. */
type PyJwtResult = { readonly ok: true; readonly claims: Record<string, unknown> } | { readonly ok: false; readonly error: string };

// Verifies `token` with the JWK given, as RFC 7519 / 8725 say: the algorithm pinned, issuer, audience, expiry, typ.
const script = String.raw`
import json, sys, jwt
request = json.load(sys.stdin)
key = jwt.PyJWK(request["jwk"], algorithm="EdDSA")
try:
    header = jwt.get_unverified_header(request["token"])
    if header.get("typ") != request["typ"]:
        raise jwt.InvalidTokenError("typ is %r" % header.get("typ"))
    claims = jwt.decode(request["token"], key.key, algorithms=["EdDSA"], audience=request["audience"], issuer=request["issuer"], options={"require": ["exp", "iat", "sub"]})
    print(json.dumps({"ok": True, "claims": claims}))
except jwt.PyJWTError as error:
    print(json.dumps({"ok": False, "error": type(error).__name__}))
`;

function pyjwt(token: string, jwk: object, checks: { audience: string; issuer: string; typ: string }): PyJwtResult {
  const run = spawnSync(python, ['-c', script], { input: JSON.stringify({ token, jwk, ...checks }), encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as PyJwtResult;
}

describe.skipIf(!hasPyJwt)('tokens of the topology, verified by PyJWT (a client nobody here wrote)', () => {
  let real: RealTopology;
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'pyjwt', tls: false });
  });
  afterAll(() => real?.stop());

  const publicKey = (name: 'TOPOLAB_AUTH_PUBLIC_KEY' | 'TOPOLAB_IDENTITY_PUBLIC_KEY') => {
    const secrets = join(real.dataDir, 'secrets');
    const file = name === 'TOPOLAB_AUTH_PUBLIC_KEY' ? 'auth-signing-key.jwk' : 'identity-key.jwk';
    // The public half of the key the runtime made: what every instance is handed.
    const { kty, crv, x, kid } = JSON.parse(readFileSync(join(secrets, file), 'utf8')) as Record<string, string>;
    return { kty, crv, x, kid };
  };

  it('accepts a user access token against the JWKS auth publishes through the gateway (RFC 9068: typ at+jwt, aud topolab), and refuses it for another audience', async () => {
    const user = await signUpWithProfile(real.topology, real.gateway);
    const jwks = await sendHttpRequest({ url: `${real.topology.gatewayUrl}/auth/.well-known/jwks.json`, timeoutMs: 3000 });
    expect(jwks.status).toBe(200);
    const [published] = (jwks.body as { keys: object[] }).keys;
    const verified = pyjwt(user.accessToken, published!, { audience: 'topolab', issuer: 'topolab-auth', typ: 'at+jwt' });
    expect(verified).toMatchObject({ ok: true, claims: { sub: user.userId } });
    expect(pyjwt(user.accessToken, published!, { audience: 'profile', issuer: 'topolab-auth', typ: 'at+jwt' })).toEqual({ ok: false, error: 'InvalidAudienceError' });
    // The published key is the one the runtime made and handed every instance.
    expect(published).toMatchObject(publicKey('TOPOLAB_AUTH_PUBLIC_KEY'));
  });

  it('accepts an identity assertion (typ identity+jwt, aud the service) with the gateways\' public key, as profile does, and not with auth\'s key', async () => {
    const user = await signUpWithProfile(real.topology, real.gateway);
    const assertion = await real.topology.assertIdentity({ sub: user.userId, audience: 'profile', tokenJti: 'j-1', tokenExp: Math.floor(Date.now() / 1000) + 600 });
    expect(pyjwt(assertion, publicKey('TOPOLAB_IDENTITY_PUBLIC_KEY'), { audience: 'profile', issuer: 'topolab-gateway', typ: 'identity+jwt' })).toMatchObject({
      ok: true,
      claims: { sub: user.userId, aud: 'profile', at_jti: 'j-1' },
    });
    expect(pyjwt(assertion, publicKey('TOPOLAB_AUTH_PUBLIC_KEY'), { audience: 'profile', issuer: 'topolab-gateway', typ: 'identity+jwt' })).toEqual({ ok: false, error: 'InvalidSignatureError' });
    // And profile itself takes it, straight on its loopback address.
    const profile = real.topology.instances().find((instance) => instance.id === 'profile#1')!;
    const read = await sendHttpRequest({ url: `http://${profile.host}:${profile.port}/profile/me`, headers: { [identityAssertionHeader]: assertion }, timeoutMs: 3000 });
    expect(read.status).toBe(200);
  });

  it('accepts a platform token the runtime handed an instance (aud registry, scope registry.register) with auth\'s public key', () => {
    const token = readFileSync(join(real.dataDir, 'secrets', 'instances', 'profile-1', 'registry.jwt'), 'utf8').trim();
    const verified = pyjwt(token, publicKey('TOPOLAB_AUTH_PUBLIC_KEY'), { audience: 'registry', issuer: 'topolab-auth', typ: 'at+jwt' });
    expect(verified).toMatchObject({ ok: true, claims: { sub: 'profile#1', client_id: 'profile#1', scope: 'registry.register' } });
  });
});

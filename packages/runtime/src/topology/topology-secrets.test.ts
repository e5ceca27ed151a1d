import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  clientSecretFor,
  envNames,
  findServiceSpec,
  grantedScopes,
  holdsLease,
  jwkThumbprint,
  platformAudiences,
  serviceManifest,
  type ServiceSpec,
} from '@topolab/services/contract';
import { prepareTopologySecrets } from './topology-secrets.js';
import { modeOf, testDir } from '@topolab/test-support/files';

const spec = (name: string): ServiceSpec => {
  const found = findServiceSpec(name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
/** Every Node service of the manifest (not redis-server nor nginx, which get no such env). */
const nodeServices = serviceManifest.filter((s) => s.program === undefined);

/** Every file and folder under `dir`, recursively. */
function walk(dir: string): { path: string; isDir: boolean }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [{ path, isDir: true }, ...walk(path)] : [{ path, isDir: false }];
  });
}

async function verifyPlatformToken(token: string, publicJwk: object, audience: string) {
  const key = await importJWK({ ...publicJwk }, 'EdDSA');
  return (await jwtVerify(token, key, { algorithms: ['EdDSA'], typ: 'at+jwt', issuer: 'topolab-auth', audience })).payload;
}

describe('topology secrets (OWASP ASVS 4.0.3 V8.3, CWE-276; RFC 9068, RFC 7638)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = testDir('secrets');
  });

  it('keeps secrets/ 0700 and every file in it 0600, even under a permissive umask (CWE-276)', async () => {
    const previous = process.umask(0);
    try {
      const secrets = prepareTopologySecrets(dataDir);
      for (const name of ['auth', 'gateway', 'profile']) await secrets.instanceEnv(spec(name), 1);
      await secrets.refreshTokens([{ service: 'gateway', index: 1 }]);
      expect(secrets.dir).toBe(join(dataDir, 'secrets'));
      expect(modeOf(secrets.dir)).toBe(0o700);
      const entries = walk(secrets.dir);
      expect(entries.filter((e) => !e.isDir).length).toBeGreaterThan(6);
      for (const entry of entries) expect([entry.path, modeOf(entry.path)]).toEqual([entry.path, entry.isDir ? 0o700 : 0o600]);
      // No temporary file is left behind by the atomic writes.
      expect(entries.filter((e) => e.path.endsWith('.tmp'))).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps auth\'s signing key across runs (same kid) and makes a new identity key and client key each run', () => {
    const first = prepareTopologySecrets(dataDir);
    const second = prepareTopologySecrets(dataDir);
    expect(second.authKey).toEqual(first.authKey);
    expect(second.identityKey.publicJwk.kid).not.toBe(first.identityKey.publicJwk.kid);
    expect(second.clientKey).not.toBe(first.clientKey);
    const stored = JSON.parse(readFileSync(join(second.dir, 'auth-signing-key.jwk'), 'utf8')) as { x: string; d: string };
    expect(stored).toMatchObject({ x: first.authKey.privateJwk.x, d: first.authKey.privateJwk.d });
    expect(readFileSync(join(second.dir, 'client-key'), 'utf8')).toBe(second.clientKey);
  });

  it('narrows a kept auth signing key that was left wider than 0600 (CWE-276)', () => {
    const first = prepareTopologySecrets(dataDir);
    const file = join(first.dir, 'auth-signing-key.jwk');
    chmodSync(file, 0o644);
    const second = prepareTopologySecrets(dataDir);
    expect(second.authKey).toEqual(first.authKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names each key by its RFC 7638 thumbprint, as jose computes it', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    for (const { publicJwk, privateJwk } of [secrets.authKey, secrets.identityKey]) {
      const expected = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }, 'sha256');
      expect(jwkThumbprint(publicJwk.x)).toBe(expected);
      expect(publicJwk.kid).toBe(expected);
      expect(privateJwk.kid).toBe(expected);
      expect(publicJwk).not.toHaveProperty('d');
    }
  });

  it('hands an instance no secret value in its environment: only _FILE paths, public keys and the tokens folder (CWE-214)', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    for (const name of ['auth', 'gateway', 'profile']) {
      const env = await secrets.instanceEnv(spec(name), 1);
      const clientId = `${name}#1`;
      const tokensDir = env[envNames.platformTokensDir]!;
      const tokens = readdirSync(tokensDir).filter((file) => file.endsWith('.jwt')).map((file) => readFileSync(join(tokensDir, file), 'utf8'));
      const secretValues = [secrets.clientKey, clientSecretFor(secrets.clientKey, clientId), secrets.authKey.privateJwk.d, secrets.identityKey.privateJwk.d, ...tokens];
      const text = JSON.stringify(env);
      for (const value of secretValues) expect(text).not.toContain(value);
      expect(text).not.toMatch(/"d\\?"\s*:/);
      for (const [name, value] of Object.entries(env)) {
        const allowed = name.endsWith('_FILE') || name === envNames.clientId || name === envNames.platformTokensDir || name === envNames.authPublicKey || name === envNames.identityPublicKey;
        expect([name, allowed]).toEqual([name, true]);
        if (name.endsWith('_FILE') || name === envNames.platformTokensDir) expect(value.startsWith(secrets.dir)).toBe(true);
      }
      expect(env[envNames.clientId]).toBe(clientId);
      expect(JSON.parse(env[envNames.authPublicKey]!)).toEqual(secrets.authKey.publicJwk);
      expect(JSON.parse(env[envNames.identityPublicKey]!)).toEqual(secrets.identityKey.publicJwk);
      expect(readFileSync(env[`${envNames.clientSecret}_FILE`]!, 'utf8')).toBe(clientSecretFor(secrets.clientKey, clientId));
    }
  });

  it('hands auth the client key and its signing key, gateways the identity key, and nobody else either', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    const auth = await secrets.instanceEnv(spec('auth'), 1);
    expect(readFileSync(auth[`${envNames.clientKey}_FILE`]!, 'utf8')).toBe(secrets.clientKey);
    expect(JSON.parse(readFileSync(auth[`${envNames.authSigningKey}_FILE`]!, 'utf8'))).toEqual(secrets.authKey.privateJwk);
    expect(auth).not.toHaveProperty(`${envNames.identityKey}_FILE`);
    const gateway = await secrets.instanceEnv(spec('gateway'), 2);
    expect(JSON.parse(readFileSync(gateway[`${envNames.identityKey}_FILE`]!, 'utf8'))).toEqual(secrets.identityKey.privateJwk);
    expect(gateway).not.toHaveProperty(`${envNames.clientKey}_FILE`);
    expect(gateway).not.toHaveProperty(`${envNames.authSigningKey}_FILE`);
    for (const name of nodeServices.map((s) => s.name).filter((n) => n !== 'auth' && n !== 'gateway')) {
      const env = await secrets.instanceEnv(spec(name), 1);
      expect([name, Object.keys(env).filter((key) => key.endsWith('_FILE'))]).toEqual([name, [`${envNames.clientSecret}_FILE`]]);
    }
  });

  it('writes platform tokens signed with auth\'s key as at+jwt, for the instance, with its granted scopes only (RFC 9068, least privilege)', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    for (const service of nodeServices) {
      const env = await secrets.instanceEnv(service, 1);
      const dir = env[envNames.platformTokensDir]!;
      const clientId = `${service.name}#1`;
      for (const audience of platformAudiences) {
        const scopes = grantedScopes(clientId, audience);
        const file = join(dir, `${audience}.jwt`);
        const present = readdirSync(dir).includes(`${audience}.jwt`);
        expect([clientId, audience, present]).toEqual([clientId, audience, scopes.length > 0]);
        if (!present) continue;
        const token = readFileSync(file, 'utf8');
        expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: secrets.authKey.publicJwk.kid });
        const claims = await verifyPlatformToken(token, secrets.authKey.publicJwk, audience);
        expect(claims).toMatchObject({ sub: clientId, client_id: clientId, aud: audience, scope: scopes.join(' ') });
        expect(claims.exp! - claims.iat!).toBe(300);
      }
      if (holdsLease(service) || service.name === 'nginx-sync') {
        expect([clientId, (decodeJwt(readFileSync(join(dir, 'registry.jwt'), 'utf8')).scope as string).split(' ')]).toEqual([clientId, ['registry.register']]);
      }
    }
    const scopeOf = async (name: string, audience: string) => decodeJwt(readFileSync(join((await secrets.instanceEnv(spec(name), 1))[envNames.platformTokensDir]!, `${audience}.jwt`), 'utf8')).scope;
    expect(await scopeOf('gateway', 'cache')).toBe('cache.read');
    expect(await scopeOf('sidecar', 'cache')).toBe('cache.read');
    expect(await scopeOf('auth', 'cache')).toBe('cache.write');
    expect(await scopeOf('auth', 'bus')).toBe('bus.publish');
    expect(await scopeOf('gateway', 'bus')).toBe('bus.subscribe');
    // The registry keeps no lease and is granted nothing: no token at all.
    const registry = await secrets.instanceEnv(spec('registry'), 1);
    expect(readdirSync(registry[envNames.platformTokensDir]!).filter((f) => f.endsWith('.jwt'))).toEqual([]);
  });

  it('refuses the platform tokens under a key that is not auth\'s (CWE-345)', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    const env = await secrets.instanceEnv(spec('mail'), 1);
    const token = readFileSync(join(env[envNames.platformTokensDir]!, 'registry.jwt'), 'utf8');
    await expect(verifyPlatformToken(token, secrets.identityKey.publicJwk, 'registry')).rejects.toThrow();
  });

  it('refreshTokens writes new tokens (new jti) in the same folder', async () => {
    const secrets = prepareTopologySecrets(dataDir);
    const env = await secrets.instanceEnv(spec('gateway'), 1);
    const dir = env[envNames.platformTokensDir]!;
    const read = () => Object.fromEntries(platformAudiences.map((audience) => [audience, readFileSync(join(dir, `${audience}.jwt`), 'utf8')]));
    const before = read();
    await secrets.refreshTokens([{ service: 'gateway', index: 1 }]);
    const after = read();
    for (const audience of platformAudiences) {
      expect(decodeJwt(after[audience]!).jti).not.toBe(decodeJwt(before[audience]!).jti);
      await verifyPlatformToken(after[audience]!, secrets.authKey.publicJwk, audience);
    }
  });
});

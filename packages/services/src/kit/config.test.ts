import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from '../auth/config.js';
import { testSigningKey } from '#test-support/auth.js';
import { envNames } from '../contract/env.js';
import { ConfigError, parseServiceConfig } from './config.js';
import { testDir } from '@topolab/test-support/files';

const base = { [envNames.service]: 'profile', [envNames.instanceId]: 'profile#1' };
const publicOf = ({ kty, crv, x, kid }: typeof testSigningKey) => ({ kty, crv, x, kid });

function secretFile(text: string): string {
  const dir = testDir('secret');
  const file = join(dir, 'secret');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe('instance configuration from the environment', () => {
  it('registers under TOPOLAB_ADVERTISE_HOST when set (a container listening on 0.0.0.0), else under its listen host', () => {
    expect(parseServiceConfig({ ...base, [envNames.host]: '0.0.0.0', [envNames.advertiseHost]: 'profile-1' })).toMatchObject({ host: '0.0.0.0', advertiseHost: 'profile-1' });
    expect(parseServiceConfig(base).advertiseHost).toBeUndefined();
  });

  it('reads a secret from <NAME>_FILE, as Docker and Kubernetes mount secrets, trailing newline dropped', () => {
    const file = secretFile('s3cret-of-profile-1-0123456789\n');
    const config = parseServiceConfig({ ...base, [envNames.clientId]: 'profile#1', [`${envNames.clientSecret}_FILE`]: file });
    expect(config.client).toEqual({ id: 'profile#1', secret: 's3cret-of-profile-1-0123456789' });
    const key = secretFile('k'.repeat(64));
    const signing = secretFile(`${JSON.stringify(testSigningKey)}\n`);
    const auth = parseAuthConfig({ ...base, [envNames.service]: 'auth', [envNames.instanceId]: 'auth#1', [`${envNames.clientKey}_FILE`]: key, [`${envNames.authSigningKey}_FILE`]: signing });
    expect(auth.clientKey).toBe('k'.repeat(64));
    expect(auth.signingKey).toEqual(testSigningKey);
  });

  it('reads the public keys handed over, and refuses a private key where a public one belongs', () => {
    const config = parseServiceConfig({ ...base, [envNames.authPublicKey]: JSON.stringify({ ...publicOf(testSigningKey), alg: 'EdDSA', use: 'sig' }) });
    expect(config.keys.auth).toEqual({ ...publicOf(testSigningKey), alg: 'EdDSA', use: 'sig' });
    expect(config.keys.identity).toBeUndefined();
    expect(() => parseServiceConfig({ ...base, [envNames.identityPublicKey]: JSON.stringify(testSigningKey) })).toThrow(/TOPOLAB_IDENTITY_PUBLIC_KEY.*private part/);
    expect(() => parseServiceConfig({ ...base, [envNames.authPublicKey]: 'not json' })).toThrow(/TOPOLAB_AUTH_PUBLIC_KEY/);
  });

  it('gives the Redis ACL user and its password (from TOPOLAB_REDIS_PASSWORD_FILE) to the Redis clients', () => {
    const file = secretFile('redis-password-of-consumer\n');
    const redis = { [envNames.cacheBackend]: 'redis', [envNames.redisUrl]: 'redis://127.0.11.1:6379', [envNames.redisPeer]: 'redis#1' };
    expect(parseServiceConfig({ ...base, ...redis, [envNames.redisUsername]: 'consumer', [`${envNames.redisPassword}_FILE`]: file }).redis).toEqual({
      url: 'redis://127.0.11.1:6379',
      peer: 'redis#1',
      username: 'consumer',
      password: 'redis-password-of-consumer',
    });
    expect(parseServiceConfig({ ...base, ...redis }).redis).toEqual({ url: 'redis://127.0.11.1:6379', peer: 'redis#1' });
  });

  it('prefers the variable itself to its file, and names a file it cannot read (without its content)', () => {
    const file = secretFile('from-the-file-0123456789');
    expect(parseServiceConfig({ ...base, [envNames.clientId]: 'profile#1', [envNames.clientSecret]: 'from-the-variable-0123', [`${envNames.clientSecret}_FILE`]: file }).client?.secret).toBe('from-the-variable-0123');
    const missing = () => parseServiceConfig({ ...base, [`${envNames.clientSecret}_FILE`]: '/nonexistent/secret' });
    expect(missing).toThrow(ConfigError);
    expect(missing).toThrow('TOPOLAB_CLIENT_SECRET_FILE: cannot read /nonexistent/secret (ENOENT)');
  });
});

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisRoleNames } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { redisLaunch } from './redis-program.js';
import { redisSecretsDir, splitRedisUrl, writeExternalRedisCredentials, writeRedisSecrets } from './redis-secrets.js';
import { modeOf, testDir } from '@topolab/test-support/files';

const dataDir = () => testDir('redis-secrets');

describe('the credentials of a supervised redis-server', () => {
  it('writes a random password per role (0600) and an ACL file (0600) holding only their SHA-256, in a 0700 folder', () => {
    const root = dataDir();
    const secrets = writeRedisSecrets(root);
    expect(secrets.dir).toBe(redisSecretsDir(root));
    expect(modeOf(secrets.dir)).toBe(0o700);
    expect(modeOf(join(root, 'secrets'))).toBe(0o700);
    expect(modeOf(secrets.aclFile)).toBe(0o600);
    const acl = readFileSync(secrets.aclFile, 'utf8');
    const passwords = new Set<string>();
    for (const role of redisRoleNames) {
      const password = readFileSync(secrets.passwordFile(role), 'utf8');
      expect(modeOf(secrets.passwordFile(role))).toBe(0o600);
      expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(acl).not.toContain(password);
      expect(acl).toContain(`user ${role} reset on #${createHash('sha256').update(password).digest('hex')} `);
      passwords.add(password);
    }
    expect(passwords.size).toBe(redisRoleNames.length);
    expect(acl.split('\n')[0]).toBe('user default reset off');
  });

  it('makes new passwords each run, and tightens files and folders left wider than 0600/0700', () => {
    const root = dataDir();
    const dir = redisSecretsDir(root);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'auth.password'), 'old', { mode: 0o644 });
    const first = readFileSync(writeRedisSecrets(root).passwordFile('auth'), 'utf8');
    expect(first).not.toBe('old');
    expect(modeOf(join(dir, 'auth.password'))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    expect(readFileSync(writeRedisSecrets(root).passwordFile('auth'), 'utf8')).not.toBe(first);
  });

  it('starts redis-server with the ACL file and no password nor protected-mode switch on its command line', () => {
    const root = dataDir();
    const secrets = writeRedisSecrets(root);
    const launch = redisLaunch({ binary: 'redis-server', host: '127.0.11.1', port: 6390, dir: join(root, 'redis'), aclFile: secrets.aclFile });
    expect(launch.args).toEqual(expect.arrayContaining(['--aclfile', secrets.aclFile]));
    expect(launch.args).not.toContain('--protected-mode');
    for (const role of redisRoleNames) expect(launch.args.join(' ')).not.toContain(readFileSync(secrets.passwordFile(role), 'utf8'));
  });
});

describe('an external Redis URL with credentials', () => {
  it('splits the URL into one without credentials, the user and the (decoded) password', () => {
    expect(splitRedisUrl('redis://app:s%40cret@10.0.0.5:6380/0')).toEqual({ url: 'redis://10.0.0.5:6380/0', username: 'app', password: 's@cret' });
    expect(splitRedisUrl('rediss://:only-a-password@cache.example:6379')).toEqual({ url: 'rediss://cache.example:6379', username: undefined, password: 'only-a-password' });
    expect(splitRedisUrl('redis://127.0.0.1:6379')).toEqual({ url: 'redis://127.0.0.1:6379', username: undefined, password: undefined });
  });

  it('hands the password over as a 0600 file, and nothing for a URL without one', () => {
    const root = dataDir();
    const external = writeExternalRedisCredentials(root, 'redis://app:pa55word@10.0.0.5:6380');
    expect(external).toEqual({ url: 'redis://10.0.0.5:6380', username: 'app', passwordFile: join(redisSecretsDir(root), 'url.password') });
    expect(readFileSync(external.passwordFile!, 'utf8')).toBe('pa55word');
    expect(modeOf(external.passwordFile!)).toBe(0o600);
    expect(writeExternalRedisCredentials(dataDir(), 'redis://10.0.0.5:6380')).toEqual({ url: 'redis://10.0.0.5:6380', username: undefined, passwordFile: undefined });
  });
});

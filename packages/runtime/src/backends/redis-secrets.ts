import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { redisPasswordHashes, redisRoleNames, renderRedisAcl, type RedisRoleName } from '@topolab/services/contract';
import { ensurePrivateDir, writePrivateFile } from '../topology/private-files.js';

/** The credentials of the topology's redis-server, written for one run. */
export interface RedisSecrets {
  /** `<dataDir>/secrets/redis` (0700). */
  readonly dir: string;
  /** `users.acl` (0600), loaded with `--aclfile`: the default user off, a user per role, passwords as SHA-256. */
  readonly aclFile: string;
  /** `<role>.password` (0600): the file an instance of that role reads (`TOPOLAB_REDIS_PASSWORD_FILE`). */
  passwordFile(role: RedisRoleName): string;
}

/** Where a topology keeps its Redis credentials. */
export function redisSecretsDir(dataDir: string): string {
  return join(dataDir, 'secrets', 'redis');
}

/** `<dataDir>/secrets/redis`, made 0700 (`secrets/` too), even where they existed wider. */
function ensureRedisSecretsDir(dataDir: string): string {
  const dir = redisSecretsDir(dataDir);
  ensurePrivateDir(join(dir, '..'));
  return ensurePrivateDir(dir);
}

// 0600, also where the file existed wider; a per-run credential needs no fsync.
function writeSecretFile(dir: string, name: string, data: string): string {
  const file = join(dir, name);
  writePrivateFile(file, data, { sync: false });
  return file;
}

/**
 * Makes a new random password per role (32 bytes, base64url) and writes each to
 * `<role>.password`, and the ACL file holding only their SHA-256, so neither redis-server's
 * command line nor anyone's environment carries a password. Called once per topology run: a
 * restarted redis-server or instance reads the same files.
 */
export function writeRedisSecrets(dataDir: string): RedisSecrets {
  const dir = ensureRedisSecretsDir(dataDir);
  const passwords = {} as Record<RedisRoleName, string>;
  for (const role of redisRoleNames) {
    passwords[role] = randomBytes(32).toString('base64url');
    writeSecretFile(dir, `${role}.password`, passwords[role]);
  }
  const aclFile = writeSecretFile(dir, 'users.acl', renderRedisAcl(redisPasswordHashes(passwords)));
  return { dir, aclFile, passwordFile: (role) => join(dir, `${role}.password`) };
}

/** A Redis URL without its credentials, and what they were. */
export interface RedisUrlParts {
  /** `redis://host:port[/db]`, safe to log. */
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** Splits `redis://user:pass@host:port` into the URL without credentials and the (decoded) credentials. */
export function splitRedisUrl(url: string): RedisUrlParts {
  const parsed = new URL(url);
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href.replace(/\/$/, ''), username, password };
}

/** An external Redis (`REDIS_URL`) as the instances are told of it: the URL without credentials, the user, and the password's file. */
export interface ExternalRedisCredentials {
  readonly url: string;
  readonly username: string | undefined;
  /** `<dataDir>/secrets/redis/url.password` (0600), when the URL has a password. */
  readonly passwordFile: string | undefined;
}

/**
 * Takes the credentials out of an external Redis URL: every instance that uses Redis connects
 * with them (topolab manages no ACL there), reading the password from a file, never from a
 * URL in its environment.
 */
export function writeExternalRedisCredentials(dataDir: string, redisUrl: string): ExternalRedisCredentials {
  const { url, username, password } = splitRedisUrl(redisUrl);
  const passwordFile = password === undefined ? undefined : writeSecretFile(ensureRedisSecretsDir(dataDir), 'url.password', password);
  return { url, username, passwordFile };
}

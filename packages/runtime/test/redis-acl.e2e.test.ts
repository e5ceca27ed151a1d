import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisKeys, redisRoleNames, tokenStateKey, type RedisRoleName } from '@topolab/services/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSecretsDir } from '../src/backends/index.js';
import type { InstanceView } from '../src/topology/index.js';
import { programFor } from './helpers.js';
import { hopsOfResponse, signUpWithProfile, startRealTopology, type RealTopology } from './real-topology.js';
import { modeOf } from '@topolab/test-support/files';

const redisServer = programFor('redis-server');
const redisCli = programFor('redis-cli');

describe.skipIf(!redisServer || !redisCli)('--cache redis --bus redis: redis-server authenticates every client and gives each role only what it needs', () => {
  let real: RealTopology;
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'redis-acl', modes: { auth: 'global' }, backends: { cache: 'redis', bus: 'redis' } });
  });
  afterAll(() => real?.stop());

  const redis = (): InstanceView => real.topology.instances().find((instance) => instance.id === 'redis#1')!;
  const passwordOf = (role: RedisRoleName) => readFileSync(join(redisSecretsDir(real.dataDir), `${role}.password`), 'utf8');

  /**
   * Runs Debian's redis-cli (a client nobody here wrote) against redis#1, as `role` (the
   * password typed on stdin, `--askpass`: never on a command line) or without credentials.
   */
  function cli(role: RedisRoleName | undefined, ...command: string[]): string {
    const { host, port } = redis();
    const auth = role ? ['--user', role, '--askpass'] : [];
    const run = spawnSync(redisCli!, ['-h', host, '-p', String(port), ...auth, ...command], { input: role ? `${passwordOf(role)}\n` : '', encoding: 'utf8', timeout: 5000 });
    if (run.error) throw run.error;
    return `${run.stdout}${run.stderr}`.trim();
  }

  it('refuses a client without credentials: NOAUTH', () => {
    expect(cli(undefined, 'GET', redisKeys.cache('token:x'))).toContain('NOAUTH');
    expect(cli(undefined, 'XADD', redisKeys.busStream('user.deleted'), '0-*', 'data', '{}')).toContain('NOAUTH');
  });

  it('keeps the topology working end to end: sign-up and login through the gateway in global mode, the token state read from redis#1', async () => {
    const user = await signUpWithProfile(real.topology, real.gateway);
    const read = await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken });
    expect(read.status).toBe(200);
    await expect.poll(() => hopsOfResponse(real.topology, read).some((hop) => hop.instanceId === 'redis#1'), { message: 'the redis#1 hop of the read' }).toBeTruthy();
    const jti = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()).jti as string;
    // As the gateway: GET works; writing a token state or a user.deleted event is refused.
    expect(cli('gateway', 'GET', redisKeys.cache(tokenStateKey(jti)))).toContain('"active":true');
    expect(cli('gateway', 'SET', redisKeys.cache('token:x'), '{"active":true,"sub":"victim"}')).toMatch(/^NOPERM/);
    expect(cli('gateway', 'DEL', redisKeys.cache(tokenStateKey(jti)))).toMatch(/^NOPERM/);
    expect(cli('gateway', 'XADD', redisKeys.busStream('user.deleted'), '0-*', 'data', '{}')).toMatch(/^NOPERM/);
    expect(cli('sidecar', 'SET', redisKeys.busEpoch, 'forged')).toMatch(/^NOPERM/);
    expect(cli('consumer', 'GET', redisKeys.cache(tokenStateKey(jti)))).toMatch(/^NOPERM/);
    expect(cli('chat', 'XADD', redisKeys.busStream('user.deleted'), '0-*', 'data', '{}')).toMatch(/^NOPERM/);
    // As auth both work (its own topic, so the topology's streams stay as auth wrote them).
    expect(cli('auth', 'SET', redisKeys.cache('token:x'), '{"active":false}', 'PX', '60000')).toBe('OK');
    expect(cli('auth', 'XADD', redisKeys.busStream('acl.check'), '0-*', 'data', '{}')).toMatch(/^0-1$/);
    // The token still works: nothing a read-only role tried changed its state.
    expect((await real.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken })).status).toBe(200);
  });

  it('keeps the passwords in 0600 files of a 0700 folder, hashed in the ACL file, and off every command line and environment', () => {
    const dir = redisSecretsDir(real.dataDir);
    expect(modeOf(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual([...redisRoleNames.map((role) => `${role}.password`), 'users.acl'].sort());
    for (const file of readdirSync(dir)) expect(modeOf(join(dir, file))).toBe(0o600);
    const acl = readFileSync(join(dir, 'users.acl'), 'utf8');
    const passwords = redisRoleNames.map(passwordOf);
    for (const password of passwords) expect(acl).not.toContain(password);
    if (!existsSync('/proc/self/environ')) return;
    const leaks = (pid: number) => {
      const text = ['cmdline', 'environ'].map((file) => readFileSync(`/proc/${pid}/${file}`, 'latin1')).join('\n');
      return passwords.filter((password) => text.includes(password));
    };
    for (const instance of real.topology.instances()) if (instance.pid) expect(leaks(instance.pid), instance.id).toEqual([]);
    const gateway = real.topology.instances().find((instance) => instance.id === 'gateway#1')!;
    expect(readFileSync(`/proc/${gateway.pid}/environ`, 'latin1')).toContain(`TOPOLAB_REDIS_PASSWORD_FILE=${join(dir, 'gateway.password')}`);
  });
});

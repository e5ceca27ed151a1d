import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusMessage } from '../../../contract/bus-api.js';
import { redisKeys } from '../../../contract/backends.js';
import { redisRoleNames, redisRoleOf, renderRedisAcl, type RedisRoleName } from '../../../contract/redis-acl.js';
import { recordTelemetry } from '#test-support/kit.js';
import type { BusSubscriptionStatus } from '../bus-subscription.js';
import { CacheUnavailableError } from '../cache-client.js';
import { createBackendClients, type BackendClients } from '../backend-clients.js';
import { openRedisConnection } from './redis-connection.js';
import { startTestRedis, testRedisBinary, type TestRedis } from '#test-support/redis.js';

const binary = testRedisBinary();
const waitUntil = (condition: () => boolean | Promise<boolean>, timeoutMs = 5000) => vi.waitFor(async () => expect(await condition()).toBeTruthy(), { timeout: timeoutMs, interval: 10 });

describe.skipIf(!binary)('the bus and the global cache on a redis-server with an ACL user per role', () => {
  let redis: TestRedis;
  let dir: string;
  const passwords = Object.fromEntries(redisRoleNames.map((name) => [name, randomBytes(24).toString('base64url')])) as Record<RedisRoleName, string>;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topolab-redis-acl-'));
    const aclFile = join(dir, 'users.acl');
    const hashes = Object.fromEntries(redisRoleNames.map((name) => [name, createHash('sha256').update(passwords[name]).digest('hex')])) as Record<RedisRoleName, string>;
    writeFileSync(aclFile, renderRedisAcl(hashes), { mode: 0o600 });
    redis = await startTestRedis(binary!, { aclFile });
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const targetOf = (role: RedisRoleName) => ({ url: redis.url, peer: 'redis#1', username: role, password: passwords[role] });

  /** The backend clients of `instanceId` (`gateway#1`), connected as its service's role. */
  function clients(instanceId: string): BackendClients {
    const service = instanceId.split('#')[0]!;
    const unused = { instances: () => [], call: () => Promise.reject(new Error('no registry here')) } as never;
    const made = createBackendClients({
      config: { service, instanceId, backends: { cache: 'redis', bus: 'redis' }, redis: targetOf(redisRoleOf(service)!) },
      telemetry: recordTelemetry(service, { instanceId }).telemetry,
      catalog: unused,
      caller: unused,
      http: unused,
    });
    cleanups.push(() => made.close());
    return made;
  }

  /** A bare connection as `role` (or with no credentials), for commands no topolab client sends. */
  function raw(role?: RedisRoleName) {
    const connection = openRedisConnection({ target: role ? targetOf(role) : { url: redis.url, peer: 'redis#1' }, telemetry: recordTelemetry().telemetry, name: `test-${role ?? 'anonymous'}` });
    cleanups.push(() => connection.disconnect());
    return connection;
  }

  function follow(made: BackendClients, topic: string) {
    const messages: BusMessage[] = [];
    const statuses: BusSubscriptionStatus[] = [];
    const subscription = made.bus.subscribe(topic, { onMessage: (message) => void messages.push(message), onStatus: (status) => void statuses.push(status) });
    cleanups.push(() => subscription.close());
    return { messages, statuses, subscription };
  }

  it('refuses a client without credentials (NOAUTH) and a wrong password', async () => {
    await expect(raw().get(redisKeys.cache('token:x'))).rejects.toThrow(/NOAUTH/);
    const wrong = openRedisConnection({ target: { ...targetOf('auth'), password: 'not-the-password' }, telemetry: recordTelemetry().telemetry, name: 'test-wrong' });
    cleanups.push(() => wrong.disconnect());
    await expect(wrong.get(redisKeys.cache('token:x'))).rejects.toThrow(/WRONGPASS|NOAUTH|Connection|closed/);
  });

  it('lets auth write token states that the gateway reads; Redis refuses the gateway\'s writes NOPERM', async () => {
    const auth = clients('auth#1');
    const gateway = clients('gateway#1');
    await auth.cache.set('token:a', { active: true, sub: 'u1' }, 60_000);
    expect(await gateway.cache.get('token:a')).toEqual({ active: true, sub: 'u1' });
    await expect(gateway.cache.setIfAbsent('token:b', { active: true, sub: 'forged' }, 60_000)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(gateway.cache.set('token:a', { active: false }, 60_000)).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(await auth.cache.get('token:b')).toBeUndefined();
    const asGateway = raw('gateway');
    await expect(asGateway.set(redisKeys.cache('token:a'), '{"active":true,"sub":"victim"}')).rejects.toThrow(/NOPERM/);
    await expect(asGateway.del(redisKeys.cache('token:a'))).rejects.toThrow(/NOPERM/);
    await expect(asGateway.xadd(redisKeys.busStream('user.deleted'), '*', 'data', '{}')).rejects.toThrow(/NOPERM/);
    await expect(raw('sidecar').set(redisKeys.busEpoch, 'forged')).rejects.toThrow(/NOPERM/);
    expect(await gateway.cache.get('token:a')).toEqual({ active: true, sub: 'u1' });
  });

  it('lets chat publish its own topic only, and the consumers publish nothing', async () => {
    const chat = clients('chat#1');
    const followed = follow(clients('chat#2'), 'chat.message');
    await waitUntil(() => followed.subscription.connected);
    await chat.bus.publish('chat.message', { text: 'hi' });
    await waitUntil(() => followed.messages.length === 1);
    await expect(chat.bus.publish('user.deleted', { userId: 'victim' })).rejects.toThrow();
    await expect(raw('chat').xadd(redisKeys.busStream('user.deleted'), '*', 'data', '{}')).rejects.toThrow(/NOPERM/);
    await expect(clients('profile#1').bus.publish('user.deleted', { userId: 'victim' })).rejects.toThrow();
    await expect(raw('consumer').get(redisKeys.cache('token:a'))).rejects.toThrow(/NOPERM/);
  });

  it('follows a topic before any epoch is written, takes auth’s epoch once it appears, and still reports a Redis that came back empty as lost', async () => {
    await redis.restart();
    const admin = raw('auth');
    expect(await admin.get(redisKeys.busEpoch)).toBeNull();
    const followed = follow(clients('profile#1'), 'epoch.test');
    await waitUntil(() => followed.subscription.connected);
    const publisher = clients('auth#1');
    await waitUntil(async () => (await admin.get(redisKeys.busEpoch)) !== null);
    await publisher.bus.publish('epoch.test', 'before');
    await waitUntil(() => followed.messages.length === 1);
    await redis.restart();
    await waitUntil(() => followed.statuses.some((status) => status.state === 'disconnected'), 8000);
    // Auth's connection writes a new epoch as soon as it is back; its first message is seq 1 again.
    await vi.waitFor(() => publisher.bus.publish('epoch.test', 'after'), { timeout: 8000, interval: 50 });
    await waitUntil(() => followed.messages.length === 2, 8000);
    expect(followed.statuses.map((status) => status.state)).toContain('lost');
    expect(followed.messages.map((message) => [message.seq, message.data])).toEqual([
      [1, 'before'],
      [1, 'after'],
    ]);
  });
});

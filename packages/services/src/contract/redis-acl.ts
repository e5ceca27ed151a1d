import { createHash } from 'node:crypto';
import { redisKeys } from './backends.js';
import { busTopics } from './bus-api.js';
import type { ServiceName } from './manifest.js';

/** The Redis ACL users of a topology: one per role. */
export const redisRoleNames = ['auth', 'gateway', 'sidecar', 'consumer', 'chat'] as const;

/** The name of one role, also its Redis username. */
export type RedisRoleName = (typeof redisRoleNames)[number];

/** What the instances of one role may do on the topology's Redis: least privilege, from what their code sends. */
export interface RedisRole {
  /** The services whose instances connect as this role. */
  readonly services: readonly ServiceName[];
  /**
   * The global cache (`topolab:cache:*`). `read`: GET. `write`: GET, SET (`PX`, `NX`) and DEL.
   * `none`: no key.
   */
  readonly cache: 'none' | 'read' | 'write';
  /** Whether it follows topics: XREAD, XRANGE, XREVRANGE on every stream and GET of the bus epoch, read-only. */
  readonly subscribes: boolean;
  /** The topics it may XADD to; `'*'`: every topic. */
  readonly publishes: readonly string[] | '*';
  /**
   * Whether it writes the bus epoch (`SET topolab:bus:epoch <uuid> NX`, in a MULTI with its
   * XADD, and each time it connects): only the one role that publishes every topic, so nobody
   * else can make the subscribers believe Redis started afresh.
   */
  readonly writesBusEpoch: boolean;
}

/**
 * Who may do what on Redis (ACL users rendered by renderRedisAcl). Auth is the source of
 * truth: it alone writes token states and publishes domain events. The gateways and sidecars
 * read the cache and follow revocations; the domain services follow events; chat also fans
 * its own messages out to the other chat instances.
 */
export const redisRoles: Readonly<Record<RedisRoleName, RedisRole>> = Object.freeze({
  auth: { services: ['auth'], cache: 'write', subscribes: true, publishes: '*', writesBusEpoch: true },
  gateway: { services: ['gateway'], cache: 'read', subscribes: true, publishes: [], writesBusEpoch: false },
  sidecar: { services: ['sidecar'], cache: 'read', subscribes: true, publishes: [], writesBusEpoch: false },
  consumer: { services: ['profile', 'mail', 'sms'], cache: 'none', subscribes: true, publishes: [], writesBusEpoch: false },
  chat: { services: ['chat'], cache: 'none', subscribes: true, publishes: [busTopics.chatMessage], writesBusEpoch: false },
});

/**
 * What every connection sends before its first command (ioredis): HELLO with AUTH (or AUTH),
 * CLIENT SETNAME (`gateway#1:commands`), INFO (the ready check). PING is a health check.
 * No SELECT: topolab's Redis has one database and its URL names none.
 */
export const redisConnectCommands: readonly string[] = Object.freeze(['auth', 'hello', 'client|setname', 'info', 'ping']);

/** The role the instances of `service` connect as; undefined for a service that never talks to Redis. */
export function redisRoleOf(service: string): RedisRoleName | undefined {
  return redisRoleNames.find((name) => (redisRoles[name].services as readonly string[]).includes(service));
}

// A topic is part of a key pattern: its glob characters must match only themselves.
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);

/** The ACL rules of one role after `reset on <password>`: its commands (`+get`, …), then its key patterns (`%R~topolab:cache:*`). */
export function redisAclRules(role: RedisRole): string[] {
  const commands = new Set(redisConnectCommands);
  const keys: string[] = [];
  const add = (...names: string[]) => names.forEach((name) => commands.add(name));
  if (role.cache !== 'none') add('get');
  if (role.cache === 'write') add('set', 'del');
  keys.push(...(role.cache === 'read' ? [`%R~${redisKeys.cache('*')}`] : role.cache === 'write' ? [`~${redisKeys.cache('*')}`] : []));
  if (role.subscribes) {
    add('get', 'xread', 'xrange', 'xrevrange');
    keys.push(`%R~${redisKeys.busStream('*')}`);
  }
  if (role.publishes === '*' || role.publishes.length > 0) add('xadd');
  if (role.publishes === '*') keys.push(`~${redisKeys.busStream('*')}`);
  else keys.push(...role.publishes.map((topic) => `~${redisKeys.busStream(escapeGlob(topic))}`));
  if (role.writesBusEpoch) {
    add('set', 'multi', 'exec');
    if (role.publishes !== '*') keys.push(`~${escapeGlob(redisKeys.busEpoch)}`);
  }
  return [...[...commands].map((name) => `+${name}`), ...keys];
}

/** Each role's password as the ACL file stores it: its SHA-256, hex (`#<hex>`), never the password. */
export function redisPasswordHashes(passwords: Readonly<Record<RedisRoleName, string>>): Record<RedisRoleName, string> {
  return Object.fromEntries(redisRoleNames.map((name) => [name, createHash('sha256').update(passwords[name]).digest('hex')])) as Record<RedisRoleName, string>;
}

/**
 * The ACL file of the topology's redis-server (`--aclfile`): the default user off (a client
 * that does not authenticate can run nothing), and each role a user with no command, key or
 * channel but its own, whose password is given only as its SHA-256 (`#<hex>`), never in clear.
 */
export function renderRedisAcl(passwordHashes: Readonly<Record<RedisRoleName, string>>): string {
  const lines = ['user default reset off'];
  for (const name of redisRoleNames) {
    const hash = passwordHashes[name];
    if (!/^[0-9a-f]{64}$/.test(hash ?? '')) throw new Error(`Expected the password of the Redis role ${name} as a SHA-256 hex digest.`);
    lines.push(['user', name, 'reset', 'on', `#${hash}`, ...redisAclRules(redisRoles[name])].join(' '));
  }
  return `${lines.join('\n')}\n`;
}

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redisAclRules, redisRoleNames, redisRoleOf, redisRoles, renderRedisAcl, type RedisRoleName } from './redis-acl.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const passwords = Object.fromEntries(redisRoleNames.map((name) => [name, `password-of-${name}-0123456789`])) as Record<RedisRoleName, string>;
const hashes = Object.fromEntries(redisRoleNames.map((name) => [name, sha256(passwords[name])])) as Record<RedisRoleName, string>;

/** The rules of the user `name` in an ACL file: every word after `user <name>`. */
function userLine(acl: string, name: string): string[] {
  const line = acl.split('\n').find((candidate) => candidate.startsWith(`user ${name} `));
  if (!line) throw new Error(`no user ${name} in the ACL`);
  return line.split(' ').slice(2);
}

describe('the Redis ACL of a topology', () => {
  const acl = renderRedisAcl(hashes);

  it('turns the default user off and gives each role a user of its own, password stored as its SHA-256 only', () => {
    expect(userLine(acl, 'default')).toEqual(['reset', 'off']);
    for (const name of redisRoleNames) {
      const rules = userLine(acl, name);
      expect(rules.slice(0, 4)).toEqual(['reset', 'on', `#${hashes[name]}`, expect.stringMatching(/^\+/)]);
      expect(rules.some((rule) => rule.startsWith('>') || rule === 'nopass' || rule === 'allkeys' || rule === '+@all' || rule === 'allchannels')).toBe(false);
      expect(acl).not.toContain(passwords[name]);
    }
    expect(acl.split('\n').filter(Boolean)).toHaveLength(redisRoleNames.length + 1);
  });

  it('refuses a password that is not a SHA-256 hex digest (a clear one would be stored as is)', () => {
    expect(() => renderRedisAcl({ ...hashes, chat: 'hunter2' })).toThrow('SHA-256');
  });

  it('lets every role connect as ioredis does (HELLO/AUTH, CLIENT SETNAME, INFO) and PING, and nothing beyond its own commands', () => {
    for (const name of redisRoleNames) {
      expect(redisAclRules(redisRoles[name])).toEqual(expect.arrayContaining(['+auth', '+hello', '+client|setname', '+info', '+ping']));
      expect(redisAclRules(redisRoles[name]).filter((rule) => rule.startsWith('-') || rule.startsWith('+@'))).toEqual([]);
    }
  });

  it('lets auth read and write the cache, publish every topic and write the bus epoch', () => {
    expect(userLine(acl, 'auth')).toEqual(expect.arrayContaining(['+get', '+set', '+del', '+xadd', '+multi', '+exec', '+xread', '~topolab:cache:*', '~topolab:bus:*']));
  });

  it('lets the gateways and sidecars read the cache and follow the streams, and write no key', () => {
    for (const name of ['gateway', 'sidecar']) {
      const rules = userLine(acl, name);
      expect(rules).toEqual(expect.arrayContaining(['+get', '+xread', '+xrange', '+xrevrange', '%R~topolab:cache:*', '%R~topolab:bus:*']));
      expect(rules.filter((rule) => ['+set', '+del', '+xadd', '+multi', '+exec'].includes(rule))).toEqual([]);
      expect(rules.filter((rule) => rule.includes('~') && !rule.startsWith('%R~'))).toEqual([]);
    }
  });

  it('lets profile, mail and sms (consumers) follow the streams only, and chat also publish its own topic only', () => {
    const consumer = userLine(acl, 'consumer');
    expect(consumer.filter((rule) => rule.includes('~'))).toEqual(['%R~topolab:bus:*']);
    expect(consumer).not.toContain('+xadd');
    const chat = userLine(acl, 'chat');
    expect(chat.filter((rule) => rule.includes('~'))).toEqual(['%R~topolab:bus:*', '~topolab:bus:chat.message']);
    expect(chat).toContain('+xadd');
    expect(chat.filter((rule) => ['+set', '+del', '+multi'].includes(rule))).toEqual([]);
  });

  it('escapes glob characters of a topic, so a pattern names that topic only', () => {
    expect(redisAclRules({ services: [], cache: 'none', subscribes: false, publishes: ['odd*[topic]?'], writesBusEpoch: false })).toContain('~topolab:bus:odd\\*\\[topic\\]\\?');
  });

  it('maps each service that talks to Redis to its role, by name, and the others to none', () => {
    expect(['auth', 'gateway', 'sidecar', 'profile', 'mail', 'sms', 'chat'].map(redisRoleOf)).toEqual(['auth', 'gateway', 'sidecar', 'consumer', 'consumer', 'consumer', 'chat']);
    expect(['registry', 'graphql', 'lb', 'dns', 'redis'].map(redisRoleOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

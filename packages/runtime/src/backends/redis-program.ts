import type { ProgramLaunch } from '../supervisor/program-child.js';
import { ensurePrivateDir } from '../topology/private-files.js';
import { answersPing } from './probes.js';

/** Where the topology's redis-server runs. */
export interface RedisLaunchOptions {
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  /** Its working directory (`<data-dir>/redis`). */
  readonly dir: string;
  /** The ACL file it loads (`<data-dir>/secrets/redis/users.acl`, writeRedisSecrets): the only credentials it knows. */
  readonly aclFile: string;
}

/**
 * redis-server in the foreground on its own loopback address, logging to stdout (the instance
 * log), without persistence: the global cache and the bus hold only what expires or is
 * replayed, so a restarted Redis starts empty — its users notice (a new bus epoch) and recover.
 * Every client authenticates as an ACL user of the file (the default user is off); the command
 * line names only the file, never a password. Ready once it answers PING (NOAUTH counts).
 */
export function redisLaunch(options: RedisLaunchOptions): ProgramLaunch {
  const { host, port, dir } = options;
  // 0700: anything redis writes there stays the user's.
  ensurePrivateDir(dir);
  return {
    binary: options.binary,
    args: ['--bind', host, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--aclfile', options.aclFile, '--daemonize', 'no', '--logfile', '', '--databases', '1'],
    address: { host, port },
    cwd: dir,
    probe: () => answersPing(host, port),
  };
}

/** `redis://host:port`. */
export function formatRedisUrl(host: string, port: number): string {
  return `redis://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

import { isMainThread } from 'node:worker_threads';

/** The umask every instance starts with: what it creates is 0600 (files) and 0700 (directories). */
export const privateUmask = 0o077;

/**
 * Calls `spawn` with the process umask narrowed to 077 (kept narrower where the user's already
 * is) and restores it right after. A child inherits the umask when it is forked, so every
 * database, WAL and SHM file, log and temp file an instance creates — a Node service or a
 * program such as redis-server or nginx — is private to the user, while the supervisor's own
 * umask stays the user's (reports and exports it writes elsewhere keep their usual modes).
 *
 * Why this way: Node's spawn has no umask option. child_process.spawn (which execa calls
 * before it returns) forks synchronously, so no other JavaScript runs while the umask is
 * narrowed; at most a libuv thread-pool write of the supervisor's own lands in that window and
 * comes out narrower, never wider. A `sh -c 'umask 077; exec …'` wrapper would cost a shell per
 * instance and sit between the supervisor and the pid it signals, and a umask set by each
 * service at start would not reach redis-server or nginx.
 */
export function withPrivateUmask<T>(spawn: () => T): T {
  // A worker thread may not change the process umask (ERR_WORKER_UNSUPPORTED_OPERATION); the
  // supervisor runs on the main thread (the CLI, a forked test worker).
  if (!isMainThread) return spawn();
  const previous = process.umask(privateUmask);
  if ((previous | privateUmask) !== privateUmask) process.umask(previous | privateUmask);
  try {
    return spawn();
  } finally {
    process.umask(previous);
  }
}

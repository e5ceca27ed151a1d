import { join } from 'node:path';

/** The files of an nginx topolab runs, all in its prefix directory. */
export const nginxFiles = Object.freeze({
  /** Its config: rendered by nginx-sync (or the bench), read by nginx. */
  config: 'nginx.conf',
  /** The master's pid: nginx-sync signals it to reload. */
  pid: 'nginx.pid',
  /** Its error log. */
  errorLog: 'error.log',
});

/** The nginx.conf in prefix directory `dir`. */
export function nginxConfigPath(dir: string): string {
  return join(dir, nginxFiles.config);
}

/** nginx's command-line arguments with prefix `dir`: its config and error log there. */
export function nginxArgs(dir: string): string[] {
  return ['-p', `${dir}/`, '-c', nginxConfigPath(dir), '-e', join(dir, nginxFiles.errorLog)];
}

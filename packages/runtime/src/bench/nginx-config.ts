import { nginxHttpBaseLines } from '@topolab/services/contract';
/** What the bench's nginx proxies to, and where it keeps its files. */
export interface NginxConfigOptions {
  /** The temp dir for pid, error log and temp paths. */
  readonly dir: string;
  readonly listenHost: string;
  readonly listenPort: number;
  /** The profile instances. */
  readonly upstreams: readonly { readonly host: string; readonly port: number }[];
  /** Idle keep-alive connections to the upstreams per worker. @default 64 */
  readonly keepalive?: number;
}

const safeValue = /^[A-Za-z0-9._:-]+$/;

/** `127.0.5.1:4242`, or `[::1]:4242` for IPv6. */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The nginx.conf of the bench's reference proxy: one worker, in the foreground, pid and
 * error log in `dir`, no access log, an upstream of the profile instances with keep-alive; the
 * client's headers pass through, so the load generator's identity assertion reaches profile as
 * the gateway's would (nginx does no auth: one plain proxy hop).
 * Throws a RangeError for a value that could break out of the config (a quote, a space, `;`).
 */
export function buildNginxConfig(options: NginxConfigOptions): string {
  const { dir, listenHost, listenPort, upstreams } = options;
  for (const [name, value] of [['listenHost', listenHost], ...upstreams.map((u) => ['upstream host', u.host])] as const) {
    if (!safeValue.test(value)) throw new RangeError(`Expected ${name} to hold only letters, digits and . _ : -, got ${JSON.stringify(value)}`);
  }
  if (/[\s;{}"'\\]/.test(dir)) throw new RangeError(`Expected a temp dir without spaces, quotes or ; { } \\, got ${JSON.stringify(dir)}`);
  if (upstreams.length === 0) throw new RangeError('Expected at least one upstream');
  const keepalive = options.keepalive ?? 64;
  const servers = upstreams.map((upstream) => `    server ${hostPort(upstream.host, upstream.port)};`);
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events {',
    '  worker_connections 1024;',
    '}',
    'http {',
    ...nginxHttpBaseLines(dir),
    '  upstream profile {',
    ...servers,
    `    keepalive ${keepalive};`,
    '    keepalive_requests 1000000;',
    '  }',
    '  server {',
    `    listen ${hostPort(listenHost, listenPort)};`,
    '    location / {',
    '      proxy_pass http://profile;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

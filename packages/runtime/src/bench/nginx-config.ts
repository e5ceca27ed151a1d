import { renderNginxConf } from '@topolab/services/contract';
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

/**
 * The nginx.conf of the bench's reference proxy: one worker, in the foreground, pid and
 * error log in `dir`, no access log, an upstream of the profile instances with keep-alive; the
 * client's headers pass through, so the load generator's identity assertion reaches profile as
 * the gateway's would (nginx does no auth: one plain proxy hop).
 * Rendered by the one nginx renderer (contract's renderNginxConf), as nginx-sync's lb is.
 * Throws a RangeError for a value that could break out of the config (a quote, a space, `;`).
 */
export function buildNginxConfig(options: NginxConfigOptions): string {
  const { dir, listenHost, listenPort, upstreams } = options;
  for (const [name, value] of [['listenHost', listenHost], ...upstreams.map((u) => ['upstream host', u.host])] as const) {
    if (!safeValue.test(value)) throw new RangeError(`Expected ${name} to hold only letters, digits and . _ : -, got ${JSON.stringify(value)}`);
  }
  if (upstreams.length === 0) throw new RangeError('Expected at least one upstream');
  return renderNginxConf({
    dir,
    errorLogLevel: 'warn',
    workerConnections: 1024,
    upstreams: [{ name: 'profile', servers: upstreams.map(({ host, port }) => ({ host, port })), keepalive: options.keepalive ?? 64 }],
    server: {
      host: listenHost,
      port: listenPort,
      lines: ['    location / {', '      proxy_pass http://profile;', '      proxy_http_version 1.1;', '      proxy_set_header Connection "";', '      proxy_set_header Host $host;', '    }'],
    },
  });
}

import { nginxFiles } from './nginx-files.js';

/** One upstream block: its servers, kept alive. */
export interface NginxUpstream {
  /** The name `proxy_pass http://<name>` uses. */
  readonly name: string;
  readonly servers: readonly {
    readonly host: string;
    readonly port: number;
    /** After the address (`max_fails=5 fail_timeout=2s`). @default none */
    readonly params?: string;
    /** A `#` comment at the end of the line (the instance id). @default none */
    readonly comment?: string;
  }[];
  /** Idle keep-alive connections per worker. */
  readonly keepalive: number;
}

/** An nginx.conf: one worker in the foreground with every file in `dir`, one `http` block, one server. */
export interface NginxConfDocument {
  /** Prefix directory: pid file, error log, temp paths (a literal in the config: no space, quote or `; { } $ \`). */
  readonly dir: string;
  /** A first `#` line (who rendered it). @default none */
  readonly header?: string;
  /** `user` of the worker (only meaningful when the master runs as root). @default none */
  readonly workerUser?: string;
  /** Level of the error log in `dir`. */
  readonly errorLogLevel: 'warn' | 'notice';
  /** Also log errors of this level to stderr. @default none */
  readonly stderrLevel?: 'warn';
  readonly workerConnections: number;
  /** `http`-level lines before the shared ones (nginxHttpBaseLines), indented by two. @default none */
  readonly httpHead?: readonly string[];
  /** `http`-level lines after them, before the upstreams. @default none */
  readonly httpTail?: readonly string[];
  readonly upstreams: readonly NginxUpstream[];
  /** Where the server listens, and its lines after `listen` (indented by four). */
  readonly server: { readonly host: string; readonly port: number; readonly lines: readonly string[] };
}

/** `127.0.5.1:4242`, or `[::1]:4242` for IPv6. */
export function nginxHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The `http`-level lines every nginx topolab runs shares (the bench's reference proxy and the
 * lb nginx-sync renders): no default access log, keep-alive connections that are not closed
 * after nginx's default 1000 requests (the gateway never does that), and every temp path in
 * nginx's own `dir` (so nothing is written outside it).
 */
export function nginxHttpBaseLines(dir: string): string[] {
  return [
    '  access_log off;',
    '  keepalive_requests 1000000;',
    `  client_body_temp_path ${dir}/client_body;`,
    `  proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi;`,
    `  uwsgi_temp_path ${dir}/uwsgi;`,
    `  scgi_temp_path ${dir}/scgi;`,
  ];
}

/** The lines of one upstream block (nginx-sync compares them to skip a reload). */
export function renderNginxUpstream(upstream: NginxUpstream): string[] {
  return [
    `  upstream ${upstream.name} {`,
    ...upstream.servers.map((server) => `    server ${nginxHostPort(server.host, server.port)}${server.params ? ` ${server.params}` : ''};${server.comment ? `  # ${server.comment}` : ''}`),
    `    keepalive ${upstream.keepalive};`,
    '    keepalive_requests 1000000;',
    '  }',
  ];
}

/**
 * Renders an nginx.conf: the one renderer of every nginx topolab runs (nginx-sync's lb, the
 * bench's reference proxy). Throws a RangeError for a `dir` that could break out of the config.
 */
export function renderNginxConf(doc: NginxConfDocument): string {
  const { dir } = doc;
  if (/[\s;{}"'\\$]/.test(dir)) throw new RangeError(`Expected nginx's directory without spaces, quotes or ; { } $ \\, got ${JSON.stringify(dir)}`);
  return [
    ...(doc.header === undefined ? [] : [`# ${doc.header}`]),
    'daemon off;',
    ...(doc.workerUser === undefined ? [] : [`user ${doc.workerUser};`]),
    'worker_processes 1;',
    `pid ${dir}/${nginxFiles.pid};`,
    `error_log ${dir}/${nginxFiles.errorLog} ${doc.errorLogLevel};`,
    ...(doc.stderrLevel === undefined ? [] : [`error_log stderr ${doc.stderrLevel};`]),
    'events {',
    `  worker_connections ${doc.workerConnections};`,
    '}',
    'http {',
    ...(doc.httpHead ?? []),
    ...nginxHttpBaseLines(dir),
    ...(doc.httpTail ?? []),
    ...doc.upstreams.flatMap(renderNginxUpstream),
    '  server {',
    `    listen ${nginxHostPort(doc.server.host, doc.server.port)};`,
    ...doc.server.lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

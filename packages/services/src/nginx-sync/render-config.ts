import type { Catalog, RouteEntry } from '../contract/registry-api.js';
import { renderNginxConf, renderNginxUpstream, type NginxUpstream } from '../contract/nginx-config.js';
import { nginxSpanLogFormat } from '../contract/nginx-log.js';
import { lbErrors } from '../lb/errors.js';

/** What the rendered nginx.conf needs besides the catalog. */
export interface NginxConfigInput {
  readonly catalog: Catalog;
  /** nginx's address. */
  readonly host: string;
  readonly port: number;
  /** Prefix directory: pid file, error log, temp paths. */
  readonly dir: string;
  /** Counts rendered configs; `/_topolab/generation` answers it, so a reload can be confirmed. */
  readonly generation: number;
  /** Connect, send and read timeout per upstream attempt (as the embedded lb's). */
  readonly upstreamTimeoutMs: number;
  /** Body limit of routes that name none. */
  readonly bodyLimit: number;
  /** Idle time between two reads of a client's body before nginx gives up on it with 408 (as the embedded lb's). @default 10000 */
  readonly clientBodyTimeoutMs?: number;
  /** `127.0.0.1:41234`: where the access log goes (syslog), or undefined for none. */
  readonly logAddress?: string;
  /** `user` of nginx's worker (only meaningful when its master runs as root). @default undefined (none: nginx's default) */
  readonly workerUser?: string;
}

/** A rendered config, and what it left out. */
export interface RenderedConfig {
  readonly text: string;
  /** The upstream part alone (routes and instances): equal parts need no reload. */
  readonly routing: string;
  /** Routes not rendered, with why (a prefix nginx cannot hold literally). */
  readonly skipped: readonly { readonly prefix: string; readonly reason: string }[];
}

// Prefixes and addresses go into the config literally: only characters that cannot end a token.
const safePrefix = /^\/[A-Za-z0-9._~/-]*$/;
const safeHost = /^[0-9A-Fa-f.:]+$/;
/** A POSIX portable user name: what `user` of nginx's worker may be (it goes into the config literally). */
export const nginxUserName = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
// An upstream may be a host name (a container's, `profile-1`): nginx resolves it when it loads the config.
const safeUpstreamHost = /^(?:[0-9A-Fa-f.:]+|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/;

type LbErrorCode = Exclude<keyof typeof lbErrors, 'definitions'>;
/** The embedded lb's JSON error body for `code`, which nginx answers literally. */
const errorBody = (code: LbErrorCode, message?: string): string => JSON.stringify(lbErrors[code](message === undefined ? {} : { message }).toBody());
// Inside '…' nginx still reads $variables and \\ escapes; the bodies hold neither.
const quoted = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$/g, '')}'`;

function upstreamName(service: string): string {
  return `svc_${service.replace(/[^a-z0-9]/g, '_')}`;
}

/**
 * One `location` pair per route: the prefix itself and everything under it (segment-wise, as
 * the registry matches; nginx picks the longest prefix, as the registry does). An internal
 * route answers LB_ROUTE_NOT_FOUND, so it cannot be reached through a public prefix above it.
 */
function routeLocations(route: RouteEntry, live: boolean, bodyLimit: number): string[] {
  const answer =
    route.access === 'internal'
      ? `      return 404 ${quoted(errorBody('LB_ROUTE_NOT_FOUND'))};`
      : live
        ? `      proxy_pass http://${upstreamName(route.service)};`
        : `      return 503 ${quoted(errorBody('LB_NO_INSTANCE', `No live instance of ${route.service} serves ${route.prefix}.`))};`;
  const body = [`      set $topolab_service ${route.service};`, `      set $topolab_route ${route.prefix};`, `      client_max_body_size ${route.bodyLimit ?? bodyLimit};`, answer];
  if (route.prefix === '/') return ['    location / {', ...body, '    }'];
  return [`    location = ${route.prefix} {`, ...body, '    }', `    location ${route.prefix}/ {`, ...body, '    }'];
}

/**
 * The trace maps: the span id from nginx's request id, the trace id and sampled flag from the
 * caller's traceparent, and the span log format (nginxSpanLogFormat) the access log writes.
 */
const traceHttpLines: readonly string[] = [
  `  log_format topolab_span escape=json ${nginxSpanLogFormat};`,
  '  map $request_id $topolab_span_id {',
  '    "~^(?<head>[0-9a-f]{16})" $head;',
  '  }',
  '  map $http_traceparent $topolab_trace_id {',
  '    "~^00-(?<trace>[0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$" $trace;',
  '    default $request_id;',
  '  }',
  // W3C trace-flags: a caller that cleared the sampled bit gets `00` passed on and no span logged.
  '  map $http_traceparent $topolab_sampled {',
  '    "~^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f][02468ace]$" 0;',
  '    default 1;',
  '  }',
  '  map $topolab_sampled $topolab_trace_flags {',
  '    0 00;',
  '    default 01;',
  '  }',
];

/** Proxying like the embedded lb: WebSockets passed through, traceparent passed on, its timeouts and one retry. */
function proxyHttpLines(timeout: string, clientBodyTimeoutMs: number): string[] {
  return [
    '  default_type application/json;',
    // WebSockets: a handshake's Upgrade goes through and its Connection says upgrade; any other
    // request sends no Connection header, so the upstream keep-alive pool is used.
    '  map $http_upgrade $connection_upgrade {',
    '    default upgrade;',
    "    '' '';",
    '  }',
    '  proxy_http_version 1.1;',
    '  proxy_set_header Upgrade $http_upgrade;',
    '  proxy_set_header Connection $connection_upgrade;',
    '  proxy_set_header Host $host;',
    '  proxy_set_header traceparent "00-$topolab_trace_id-$topolab_span_id-$topolab_trace_flags";',
    `  proxy_connect_timeout ${timeout};`,
    `  proxy_send_timeout ${timeout};`,
    `  proxy_read_timeout ${timeout};`,
    // Like the embedded lb: an idempotent request is retried once on another instance after a refusal, reset or timeout.
    '  proxy_next_upstream error timeout;',
    '  proxy_next_upstream_tries 2;',
    // A client that stops sending its body is cut off with 408 (logged; nginx sends no answer on a timed-out read). nginx reads
    // the whole body before it picks an upstream (proxy_request_buffering, on by default), so a stalled client never counts toward max_fails.
    `  client_body_timeout ${clientBodyTimeoutMs}ms;`,
    '  proxy_request_buffering on;',
  ];
}

/** The server's lines after `listen`: its access log (spans over syslog), the lb's error pages, the health and generation locations, then `locations`. */
function serverLines(input: Pick<NginxConfigInput, 'logAddress' | 'generation'>, locations: readonly string[]): string[] {
  const { generation } = input;
  return [
    input.logAddress ? `    access_log syslog:server=${input.logAddress},nohostname,tag=nginx topolab_span if=$topolab_sampled;` : '    access_log off;',
    '    set $topolab_service "";',
    '    set $topolab_route "";',
    '    error_page 502 @lb_unreachable;',
    '    error_page 504 @lb_timeout;',
    '    error_page 413 @lb_too_large;',
    '    location = /_topolab/health {',
    '      access_log off;',
    `      return 200 '{"status":"ok","generation":${generation}}';`,
    '    }',
    '    location = /_topolab/generation {',
    '      access_log off;',
    `      return 200 '${generation}';`,
    '    }',
    '    location = /health {',
    '      access_log off;',
    `      return 200 '{"status":"ok","generation":${generation}}';`,
    '    }',
    ...locations,
    `    location @lb_unreachable { return 502 ${quoted(errorBody('LB_UPSTREAM_UNREACHABLE'))}; }`,
    `    location @lb_timeout { return 504 ${quoted(errorBody('LB_UPSTREAM_TIMEOUT'))}; }`,
    `    location @lb_too_large { return 413 ${quoted(errorBody('LB_BODY_TOO_LARGE'))}; }`,
  ];
}

/**
 * Renders nginx.conf from the registry's catalog, as consul-template would: one upstream per
 * service with live instances (keep-alive, passive health, WebSockets passed through), one location pair per public or
 * protected route (internal ones stay unreachable, as through the embedded lb), the lb's JSON
 * errors (`LB_ROUTE_NOT_FOUND`, `LB_NO_INSTANCE`, `LB_UPSTREAM_*`, `LB_BODY_TOO_LARGE`), an
 * access log that carries spans (nginxSpanLogFormat) to the supervisor over syslog, and `/_topolab/health` and
 * `/_topolab/generation`. nginx runs in the foreground, a master and one worker in a process
 * group of their own (a fault signals the whole group); SIGHUP to the master reloads it: a new
 * worker takes the new config, the old one finishes its requests.
 */
export function renderNginxConfig(input: NginxConfigInput): RenderedConfig {
  const { catalog, dir, generation } = input;
  if (input.logAddress !== undefined && !/^[0-9.]+:[0-9]+$/.test(input.logAddress)) throw new RangeError(`Expected the log address to be IPv4:port, got ${JSON.stringify(input.logAddress)}`);
  if (!safeHost.test(input.host)) throw new RangeError(`Expected nginx's host to be an IP address, got ${JSON.stringify(input.host)}`);
  if (input.workerUser !== undefined && !nginxUserName.test(input.workerUser)) throw new RangeError(`Expected a user name for nginx's worker, got ${JSON.stringify(input.workerUser)}`);
  const skipped: { prefix: string; reason: string }[] = [];
  const routes = catalog.routes.filter((route) => {
    if (!safePrefix.test(route.prefix)) skipped.push({ prefix: route.prefix, reason: 'it holds characters nginx would read as syntax' });
    return safePrefix.test(route.prefix);
  });
  const services = [...new Set(routes.filter((route) => route.access !== 'internal').map((route) => route.service))].sort();
  const liveOf = (service: string) => (catalog.services[service] ?? []).filter((instance) => safeUpstreamHost.test(instance.host));
  const upstreams = services
    .filter((service) => liveOf(service).length > 0)
    .map((service): NginxUpstream => ({
      name: upstreamName(service),
      servers: liveOf(service).map((instance) => ({ host: instance.host, port: instance.port, params: 'max_fails=5 fail_timeout=2s', comment: instance.instanceId })),
      keepalive: 64,
    }));
  const locations = routes.flatMap((route) => routeLocations(route, liveOf(route.service).length > 0, input.bodyLimit));
  const catchAll = routes.some((route) => route.prefix === '/')
    ? []
    : ['    location / {', `      return 404 ${quoted(errorBody('LB_ROUTE_NOT_FOUND'))};`, '    }'];
  const routing = [...upstreams.flatMap(renderNginxUpstream), ...locations].join('\n');
  const text = renderNginxConf({
    dir,
    header: `Rendered by nginx-sync from the registry (catalog ${catalog.epoch} v${catalog.version}, generation ${generation}). Do not edit: the next change overwrites it.`,
    ...(input.workerUser === undefined ? {} : { workerUser: input.workerUser }),
    errorLogLevel: 'notice',
    stderrLevel: 'warn',
    workerConnections: 4096,
    httpHead: traceHttpLines,
    httpTail: proxyHttpLines(`${input.upstreamTimeoutMs}ms`, input.clientBodyTimeoutMs ?? 10_000),
    upstreams,
    server: {
      host: input.host,
      port: input.port,
      lines: serverLines(input, [...locations, ...catchAll]),
    },
  });
  return { text, routing, skipped };
}

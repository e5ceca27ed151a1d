import type { Span } from './telemetry.js';
import { parseTraceparent } from './trace.js';

/**
 * nginx records no spans, so nginx-sync gives it an access log that is one: every request
 * nginx proxies is a line with the incoming `traceparent`, a span id nginx made (the first 16
 * hex digits of `$request_id`, also sent upstream in a new `traceparent`), times, status, the
 * route and the upstream addresses tried. nginx sends it to the supervisor over syslog, which
 * turns each line into a server span (parseNginxSpanLine), so traces show `gateway#1 → nginx#1 → profile#1`.
 */
export const nginxSpanLogFormat =
  `'{"topolab":"span","tp":"$http_traceparent","tid":"$topolab_trace_id","sid":"$topolab_span_id","ms":"$msec","rt":"$request_time",` +
  `"st":"$status","m":"$request_method","u":"$uri","svc":"$topolab_service","route":"$topolab_route","up":"$upstream_addr","ust":"$upstream_status"}'`;

interface NginxSpanLine {
  readonly topolab: string;
  readonly tp: string;
  readonly tid: string;
  readonly sid: string;
  readonly ms: string;
  readonly rt: string;
  readonly st: string;
  readonly m: string;
  readonly u: string;
  readonly svc: string;
  readonly route: string;
  readonly up: string;
  readonly ust: string;
}

/** The nginx instance the spans belong to. */
export interface NginxSpanSource {
  readonly service: string;
  readonly instanceId: string;
  /** `127.0.12.1:41234`. */
  readonly address: string;
}

/** The span in one access-log line of nginxSpanLogFormat, or undefined for any other line. */
export function parseNginxSpanLine(line: string, source: NginxSpanSource): Span | undefined {
  if (!line.startsWith('{"topolab":"span"')) return undefined;
  let entry: NginxSpanLine;
  try {
    entry = JSON.parse(line) as NginxSpanLine;
  } catch {
    return undefined;
  }
  const parent = parseTraceparent(entry.tp);
  const durationMs = Number(entry.rt) * 1000;
  const status = Number(entry.st);
  // `$upstream_addr` lists every attempt, `, ` between them (`:` between upstream groups).
  const attempts = entry.up && entry.up !== '-' ? entry.up.split(/[,:] (?=\S)/).map((part) => part.trim()) : [];
  const attributes: Record<string, string | number | boolean> = {};
  if (entry.route) attributes.route = entry.route;
  if (entry.svc) attributes.service = entry.svc;
  if (attempts.length > 0) attributes.upstreamAddress = attempts.at(-1)!;
  if (attempts.length > 1) attributes.retries = attempts.length - 1;
  return {
    traceId: entry.tid,
    spanId: entry.sid,
    ...(parent && parent.traceId === entry.tid ? { parentSpanId: parent.parentSpanId } : {}),
    service: source.service,
    instanceId: source.instanceId,
    address: source.address,
    kind: 'server',
    name: `${entry.m} ${entry.u}`,
    start: Number(entry.ms) * 1000 - durationMs,
    durationMs,
    ...(Number.isFinite(status) ? { status } : {}),
    attributes,
  };
}

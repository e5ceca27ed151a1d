import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@topolab/services/contract';
import { readProcessRssMb } from '../bench/process-rss.js';
import type { Topology } from '../topology/topology.js';
import type { TopologyEvent } from '../topology/topology-events.js';
import { authModeNames, discoveryModeNames } from '../topology/topology-modes.js';
import type { DashboardInstance, DashboardLogLine, DashboardMessage } from './dashboard-protocol.js';

/** What the stream needs of a topology. */
export type DashboardTopology = Pick<Topology, 'events' | 'instances' | 'modes' | 'timings' | 'gatewayUrl'>;

/** Options of createDashboardStream. */
export interface DashboardStreamOptions {
  readonly topology: DashboardTopology;
  /** One event-log line for an event worth showing, undefined for noise (the CLI's describeEvent). */
  readonly describe: (event: TopologyEvent) => string | undefined;
  /** How often every instance is sent. @default 500 */
  readonly intervalMs?: number;
  /** Spans kept for a page that connects later. @default 2000 */
  readonly recentSpans?: number;
  /** Spans are gathered this long and sent in one message. @default 100 */
  readonly flushMs?: number;
  /** A page whose connection holds more unsent bytes than this misses messages until it drains. @default 1 MiB */
  readonly maxBufferedBytes?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** The `GET /v1/stream` endpoint: one Server-Sent Events stream per open page. */
export interface DashboardStream {
  /** Takes over the response: headers, `hello`, then every message until the page leaves. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Pages connected now. */
  readonly clients: number;
  /** Ends every stream and stops listening to the topology. */
  close(): void;
}

const rssEveryMs = 2000;

/**
 * Creates the dashboard's live feed (WHATWG HTML §9.2, Server-Sent Events): `hello` with the
 * modes, the instances and the last requests' spans, then `instances` twice a second, `spans`
 * gathered per 100 ms, `modes` on a switch and `log` for each event-log line. A slow page is
 * skipped rather than buffered without end.
 */
export function createDashboardStream(options: DashboardStreamOptions): DashboardStream {
  const { topology } = options;
  const clock = options.clock ?? Date.now;
  const pages = createPages(options.maxBufferedBytes ?? 1024 * 1024);
  const spans = createSpanFeed({ keep: options.recentSpans ?? 2000, flushMs: options.flushMs ?? 100, send: (batch) => pages.broadcast({ type: 'spans', spans: batch }) });
  const rss = createRssSampler();
  const instances = (now: number) => dashboardInstances(topology, rss, now);

  const unsubscribe = topology.events.subscribe((event) => {
    if (event.type === 'spans') return spans.add(event.spans, pages.count() > 0);
    if (pages.count() === 0) return;
    if (event.type === 'topology.modes') pages.broadcast({ type: 'modes', time: event.time, modes: event.modes, previous: event.previous });
    const line = dashboardLogLine(event, options.describe);
    if (line) pages.broadcast(line);
  });

  const ticker = setInterval(() => {
    if (pages.count() === 0) return;
    const now = clock();
    pages.broadcast({ type: 'instances', now, instances: instances(now) });
  }, options.intervalMs ?? 500);
  ticker.unref();

  return {
    handle(req, res) {
      const now = clock();
      pages.join(req, res, helloMessage(topology, now, instances(now), spans.recent()));
    },
    get clients() {
      return pages.count();
    },
    close() {
      unsubscribe();
      clearInterval(ticker);
      spans.close();
      pages.close();
    },
  };
}

/** The first message of every connection: everything a page needs to draw the lab now. */
function helloMessage(topology: DashboardTopology, now: number, instances: DashboardInstance[], spans: Span[]): DashboardMessage {
  const { heartbeatMs, missedHeartbeats } = topology.timings;
  return {
    type: 'hello',
    now,
    gatewayUrl: topology.gatewayUrl,
    modes: topology.modes(),
    choices: { discovery: discoveryModeNames, auth: authModeNames },
    timings: { heartbeatMs, missedHeartbeats },
    instances,
    spans,
  };
}

/** The open pages: each one's SSE response, written to unless it holds more than `maxBuffered` unsent bytes. */
function createPages(maxBuffered: number) {
  const clients = new Set<ServerResponse>();
  const write = (res: ServerResponse, message: DashboardMessage) => {
    if (res.writableLength > maxBuffered) return;
    res.write(`event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
  };
  return {
    count: () => clients.size,
    broadcast(message: DashboardMessage): void {
      for (const res of clients) write(res, message);
    },
    /** Takes over the response: SSE headers, `hello`, then the broadcasts until the page leaves. */
    join(req: IncomingMessage, res: ServerResponse, hello: DashboardMessage): void {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Reconnect after 1 s when the stream drops (the browser's EventSource does it itself).
        'x-accel-buffering': 'no',
      });
      res.write('retry: 1000\n\n');
      write(res, hello);
      clients.add(res);
      const leave = () => clients.delete(res);
      req.once('close', leave);
      res.once('close', leave);
    },
    close(): void {
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}

/** The spans: the last `keep` for a page that connects later, and a batch sent every `flushMs` while pages are open. */
function createSpanFeed(options: { keep: number; flushMs: number; send: (spans: Span[]) => void }) {
  const { keep, flushMs } = options;
  let recent: Span[] = [];
  let pending: Span[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  function flush(): void {
    flushTimer = undefined;
    if (pending.length === 0) return;
    const spans = pending;
    pending = [];
    options.send(spans);
  }
  return {
    add(spans: readonly Span[], anyPage: boolean): void {
      recent.push(...spans);
      if (recent.length > keep * 1.5) recent = recent.slice(-keep);
      if (!anyPage) return;
      // A burst of sampled load: the page gets the newest spans of each flush, not all of them.
      pending.push(...spans);
      if (pending.length > keep) pending = pending.slice(-keep);
      flushTimer ??= setTimeout(flush, flushMs);
    },
    recent: () => recent.slice(-keep),
    close: () => clearTimeout(flushTimer),
  };
}

/** Each process's resident memory in MB (one decimal), read at most every 2 s per pid. */
interface RssSampler {
  /** Forgets the pids not in `live`. */
  keep(live: ReadonlySet<number | undefined>): void;
  read(pid: number | undefined, now: number): number | undefined;
}

function createRssSampler(): RssSampler {
  const rss = new Map<number, { at: number; mb: number }>();
  return {
    keep(live) {
      for (const pid of rss.keys()) if (!live.has(pid)) rss.delete(pid);
    },
    read(pid, now) {
      if (pid === undefined) return undefined;
      let known = rss.get(pid);
      if (!known || now - known.at >= rssEveryMs) {
        known = { at: now, mb: readProcessRssMb(pid) };
        rss.set(pid, known);
      }
      return Number.isFinite(known.mb) ? Math.round(known.mb * 10) / 10 : undefined;
    },
  };
}

/** Every instance as the page shows it. */
function dashboardInstances(topology: DashboardTopology, rss: RssSampler, now: number): DashboardInstance[] {
  const { heartbeatMs, missedHeartbeats } = topology.timings;
  const views = topology.instances();
  rss.keep(new Set(views.map((view) => view.pid)));
  return views.map((view) => ({
    id: view.id,
    service: view.service,
    kind: view.kind,
    host: view.host,
    port: view.port,
    pid: view.pid,
    state: view.state,
    condition: view.condition,
    zombie: view.zombie,
    registers: view.registers,
    registered: view.registered,
    lastHeartbeat: view.lastHeartbeat,
    leaseExpiresAt: view.lastHeartbeat === undefined ? undefined : view.lastHeartbeat + heartbeatMs * missedHeartbeats,
    rssMb: rss.read(view.pid, now),
    requests: view.requests,
    errors: view.errors,
  }));
}

/** One event-log line for the page, or undefined for an event `describe` calls noise. */
function dashboardLogLine(event: TopologyEvent, describe: DashboardStreamOptions['describe']): DashboardLogLine | undefined {
  const text = describe(event);
  if (text === undefined) return undefined;
  const instance = 'instanceId' in event ? event.instanceId : undefined;
  const level = event.type === 'instance.crashed' || (event.type === 'log' && event.record.level === 'error') ? 'error' : event.type === 'log' ? 'warn' : 'info';
  const to = event.type === 'event' && event.name === 'sms.sent' ? event.data.to : undefined;
  return { type: 'log', time: event.time, instance, level, text, ...(typeof to === 'string' ? { smsTo: to } : {}) };
}

/**
 * Everything the page knows, built from the stream's messages: a plain store with no DOM and
 * no timers, so each rule is testable. The view (`view`) is a new object after each change,
 * for React; spans go into bounded stores (traces, chart samples, hops) read through it.
 */
import { RequestStore } from '@topolab/runtime/trace-model';
import type { DashboardInstance, DashboardMessage, Span, TopologyModes } from '../protocol';
import type { GraphLink } from './graph-model';
import type { KnownService } from './instances';
import { edgeKey, HopTracker, type Hop } from './hops';
import { RequestSamples } from './metrics';

/** The stream's state as the header shows it. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** One line of the event log. */
export interface LogEntry {
  /** Unique on the page (a React key). */
  readonly key: number;
  readonly time: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly instance: string | undefined;
  readonly text: string;
  readonly smsTo: string | undefined;
}

/** What the page draws, replaced (never changed) on every change. */
export interface DashboardView {
  readonly connection: ConnectionState;
  /** Server clock minus the page's (ms): add it to Date.now() for the server's time. */
  readonly clockOffsetMs: number;
  readonly gatewayUrl: string | undefined;
  readonly modes: TopologyModes | undefined;
  readonly choices: { readonly discovery: readonly string[]; readonly auth: readonly string[] };
  readonly timings: { readonly heartbeatMs: number; readonly missedHeartbeats: number } | undefined;
  readonly instances: readonly DashboardInstance[];
  /** Every service seen since the last `hello`, in the order first seen (a service scaled to 0 keeps its section). */
  readonly services: readonly KnownService[];
  /** Oldest first, at most `maxLogLines`. */
  readonly logs: readonly LogEntry[];
  /** Calls seen between instances (and from the client), for the graph's edges. */
  readonly links: readonly GraphLink[];
  /** Bumped whenever a kept trace got a span. */
  readonly tracesVersion: number;
  /** The last number an SMS went to, and a counter bumped on every SMS. */
  readonly phone: { readonly number: string | undefined; readonly version: number };
}

/** Options of DashboardStore. */
export interface DashboardStoreOptions {
  /** Event-log lines kept. @default 200 */
  readonly maxLogLines?: number;
  /** Distinct links kept for the graph. @default 300 */
  readonly maxLinks?: number;
  /** Page clock, epoch ms. @default Date.now */
  readonly clock?: () => number;
}

const emptyView: DashboardView = {
  connection: 'connecting',
  clockOffsetMs: 0,
  gatewayUrl: undefined,
  modes: undefined,
  choices: { discovery: [], auth: [] },
  timings: undefined,
  instances: [],
  services: [],
  logs: [],
  links: [],
  tracesVersion: 0,
  phone: { number: undefined, version: 0 },
};

/** `known` with the services of `instances` not in it yet (the same array when there is none). */
function knownServices(known: readonly KnownService[], instances: readonly DashboardInstance[]): readonly KnownService[] {
  const names = new Set(known.map((entry) => entry.service));
  const added: KnownService[] = [];
  for (const { service, kind } of instances) {
    if (names.has(service)) continue;
    names.add(service);
    added.push({ service, kind });
  }
  return added.length === 0 ? known : [...known, ...added];
}

/** The dashboard's state, fed message by message. */
export class DashboardStore {
  /** Requests and their spans. */
  readonly traces = new RequestStore();
  /** Request roots of the last minute, for the charts. */
  readonly samples = new RequestSamples();
  private readonly hops = new HopTracker();
  private readonly links = new Map<string, GraphLink>();
  private readonly listeners = new Set<() => void>();
  private readonly hopListeners = new Set<(hops: readonly Hop[]) => void>();
  private readonly maxLogLines: number;
  private readonly maxLinks: number;
  private readonly clock: () => number;
  private nextLogKey = 1;
  private current: DashboardView = emptyView;

  /** Creates a store that has seen no message yet. */
  constructor(options: DashboardStoreOptions = {}) {
    this.maxLogLines = options.maxLogLines ?? 200;
    this.maxLinks = options.maxLinks ?? 300;
    this.clock = options.clock ?? Date.now;
  }

  /** The current view. */
  get view(): DashboardView {
    return this.current;
  }

  /** The server's time now, by the page's clock corrected with the last offset seen. */
  serverNow(): number {
    return this.clock() + this.current.clockOffsetMs;
  }

  /** Calls `listener` after each change of the view; answers the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with the hops each live `spans` message completes (not the replay in `hello`). */
  onHops(listener: (hops: readonly Hop[]) => void): () => void {
    this.hopListeners.add(listener);
    return () => this.hopListeners.delete(listener);
  }

  /** Records the stream's state (`live` on open, `reconnecting` on an error). */
  setConnection(connection: ConnectionState): void {
    if (connection !== this.current.connection) this.update({ connection });
  }

  /** Adds a line of the page's own to the event log (a reconnect). */
  note(level: LogEntry['level'], text: string): void {
    this.update({ logs: this.withLog({ time: this.serverNow(), level, instance: undefined, text, smsTo: undefined }) });
  }

  /** Applies one message of the stream. */
  apply(message: DashboardMessage): void {
    switch (message.type) {
      case 'hello':
        return this.applyHello(message);
      case 'instances':
        return this.update({ instances: message.instances, services: knownServices(this.current.services, message.instances), clockOffsetMs: message.now - this.clock() });
      case 'spans':
        return this.applySpans(message.spans, true);
      case 'modes':
        return this.update({ modes: message.modes });
      case 'log': {
        const smsTo = typeof message.smsTo === 'string' && message.smsTo !== '' ? message.smsTo : undefined;
        const logs = this.withLog({ time: message.time, level: message.level, instance: message.instance, text: message.text, smsTo });
        const phone = smsTo === undefined ? this.current.phone : { number: smsTo, version: this.current.phone.version + 1 };
        return this.update({ logs, phone });
      }
    }
  }

  // A new stream (first, or after a reconnect): forget what the spans taught, keep the event log.
  private applyHello(hello: Extract<DashboardMessage, { type: 'hello' }>): void {
    this.traces.clear();
    this.samples.clear();
    this.hops.clear();
    this.links.clear();
    this.current = {
      ...this.current,
      connection: 'live',
      clockOffsetMs: hello.now - this.clock(),
      gatewayUrl: hello.gatewayUrl,
      modes: hello.modes,
      choices: { discovery: [...(hello.choices.discovery ?? [])], auth: [...(hello.choices.auth ?? [])] },
      timings: hello.timings,
      instances: hello.instances,
      services: knownServices([], hello.instances),
      links: [],
    };
    this.applySpans(hello.spans, false);
  }

  private applySpans(spans: readonly Span[], live: boolean): void {
    const changes = this.traces.add(spans);
    this.samples.add(changes.roots);
    this.samples.prune(this.serverNow());
    const hops = this.hops.add(spans);
    let linksChanged = false;
    for (const hop of hops) {
      const key = edgeKey(hop.from, hop.to);
      if (this.links.has(key)) continue;
      this.links.set(key, { from: hop.from, to: hop.to });
      linksChanged = true;
      for (const oldest of this.links.keys()) {
        if (this.links.size <= this.maxLinks) break;
        this.links.delete(oldest);
      }
    }
    this.update({
      tracesVersion: this.current.tracesVersion + (changes.traceIds.size > 0 || changes.roots.length > 0 ? 1 : 0),
      ...(linksChanged ? { links: [...this.links.values()] } : {}),
    });
    if (live && hops.length > 0) for (const listener of this.hopListeners) listener(hops);
  }

  private withLog(line: Omit<LogEntry, 'key'>): LogEntry[] {
    const logs = [...this.current.logs, { ...line, key: this.nextLogKey++ }];
    return logs.length > this.maxLogLines ? logs.slice(logs.length - this.maxLogLines) : logs;
  }

  private update(change: Partial<DashboardView>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener();
  }
}

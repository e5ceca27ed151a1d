import { request as httpRequest, type ClientRequest } from 'node:http';
import type { BusBacklog, BusMessage } from '../../contract/bus-api.js';
import type { InstanceRecord } from '../../contract/registry-api.js';
import { createBackoff } from '../backoff.js';
import type { HttpClient } from '../http/client.js';
import { createSseParser } from '../discovery/sse.js';
import type { ServiceCredentials } from '../service-auth/token-source.js';

/** What a subscriber is told about its stream. */
export type BusSubscriptionStatus =
  /** Streaming from a bus instance. */
  | { readonly state: 'connected'; readonly instanceId: string }
  /**
   * The stream broke, went silent for the idle timeout (a paused bus), or no bus instance is
   * listed; reconnecting, and resuming after the last seq. Messages arrive late meanwhile.
   */
  | { readonly state: 'disconnected'; readonly reason: string }
  /**
   * Messages were missed and could not be replayed (the bus restarted or no longer retains
   * them): the subscriber must resynchronise from its source of truth.
   */
  | { readonly state: 'lost'; readonly afterSeq: number };

/** Default of `idleTimeoutMs`: three of the bus's 1 s keep-alive intervals (`contract/bus-api.ts`). */
export const defaultBusIdleTimeoutMs = 3000;

/** Options of openBusSubscription. */
export interface BusSubscriptionOptions<T> {
  readonly topic: string;
  /** Live bus instances (from the catalog). */
  readonly instances: () => readonly InstanceRecord[];
  readonly http: HttpClient;
  readonly onMessage: (message: BusMessage<T>) => void;
  readonly onStatus?: (status: BusSubscriptionStatus) => void;
  /**
   * A stream that brings no byte (message or `:keep-alive`) for this long is treated as broken
   * (`disconnected`, then reconnect): that is how a paused (SIGSTOP) bus is noticed. Keep it
   * well above the bus's keep-alive interval. @default 3000
   */
  readonly idleTimeoutMs?: number;
  /** This instance's service token for the bus (scope `bus.subscribe`), sent with every read; `refused` drops one the bus answered 401 to. */
  readonly credentials?: ServiceCredentials;
}

/** A live subscription to one topic. */
export interface BusSubscription {
  readonly connected: boolean;
  /** The seq reached: the last message delivered, or the topic's newest when it first connected (0 before that). */
  readonly lastSeq: number;
  close(): void;
}

/**
 * Follows one topic over SSE, in seq order, exactly once. The first connection reads the
 * topic's newest seq and streams after it (a new subscriber follows from now on), so every
 * reconnection — even before any message arrived — resumes after a known seq and misses
 * nothing. A gap (seq > last + 1) is filled from the backlog; a stream silent for
 * `idleTimeoutMs` is dropped and reopened; when missed messages are gone (bus restarted,
 * backlog too short) the subscriber hears `lost`.
 */
export function openBusSubscription<T>(options: BusSubscriptionOptions<T>): BusSubscription {
  const { topic, http } = options;
  const encoded = encodeURIComponent(topic);
  const idleTimeoutMs = options.idleTimeoutMs ?? defaultBusIdleTimeoutMs;
  // Undefined until the first connection reads where the topic stands.
  let lastSeq: number | undefined;
  // The bus state the seqs belong to: another epoch means the bus started afresh.
  let epoch: string | undefined;
  let connected = false;
  let closed = false;
  let stream: ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  const backoff = createBackoff({ baseMs: 100, maxMs: 2000 });
  let rotation = 0;
  // Messages are handled one at a time, so a backlog read for a gap finishes before the next message.
  let queue: Promise<void> = Promise.resolve();

  const status = (next: BusSubscriptionStatus) => options.onStatus?.(next);
  const deliver = (message: BusMessage<T>) => {
    if (lastSeq !== undefined && message.seq <= lastSeq) return;
    lastSeq = message.seq;
    options.onMessage(message);
  };

  // The stream and the backlog reads of the current connection carry the same token.
  let authorization: Record<string, string> = {};

  async function backlog(instance: InstanceRecord, after: number, limit = 1000): Promise<BusBacklog<T>> {
    const answer = await http.call<BusBacklog<T>>({ host: instance.host, port: instance.port, method: 'GET', path: `/bus/topics/${encoded}/messages?after=${after}&limit=${limit}`, name: 'bus.backlog', headers: authorization });
    if (answer.status === 401) options.credentials?.refused();
    if (answer.status !== 200) throw new Error(`bus answered ${answer.status} to a backlog read`);
    return answer.body;
  }

  // Before (re)streaming, fix the seq to resume after. The first time it is the topic's newest
  // (`after=0`: an `after` ahead of the topic would replay everything retained). Later, if the
  // bus restarted (its seqs went back) or dropped what we missed, say so.
  async function prepare(instance: InstanceRecord): Promise<void> {
    if (lastSeq === undefined) {
      const head = await backlog(instance, 0, 1);
      lastSeq = head.latestSeq;
      epoch = head.epoch;
      return;
    }
    const state = await backlog(instance, lastSeq);
    const restarted = state.epoch !== epoch || state.latestSeq < lastSeq;
    if (restarted || state.oldestSeq > lastSeq + 1) {
      status({ state: 'lost', afterSeq: lastSeq });
      // A restarted bus counts from 1 again: replay all it holds; otherwise resume at its oldest.
      lastSeq = restarted ? 0 : state.oldestSeq - 1;
      epoch = state.epoch;
    }
  }

  async function onStreamMessage(instance: InstanceRecord, message: BusMessage<T>): Promise<void> {
    if (lastSeq !== undefined && message.seq > lastSeq + 1) {
      const missed = await backlog(instance, lastSeq);
      if (missed.oldestSeq > lastSeq + 1) status({ state: 'lost', afterSeq: lastSeq });
      for (const earlier of missed.messages) if (earlier.seq < message.seq) deliver(earlier);
    }
    deliver(message);
  }

  function reconnect(reason: string): void {
    clearTimeout(idle);
    if (connected || stream === undefined) status({ state: 'disconnected', reason });
    connected = false;
    stream = undefined;
    if (closed) return;
    timer = setTimeout(connect, backoff.next());
  }

  function connect(): void {
    const instances = options.instances();
    if (instances.length === 0) return reconnect('no bus instance is listed');
    const instance = instances[rotation++ % instances.length]!;
    const credentials = options.credentials;
    const authorized = credentials
      ? credentials.token().then((token) => {
          authorization = token === undefined ? {} : { authorization: `Bearer ${token}` };
        })
      : Promise.resolve();
    authorized.then(() => prepare(instance)).then(
      () => open(instance),
      () => reconnect(`${instance.instanceId} did not answer`),
    );
  }

  function open(instance: InstanceRecord): void {
    if (closed) return;
    const req = httpRequest({ host: instance.host, port: instance.port, path: `/bus/topics/${encoded}/stream?after=${lastSeq ?? 0}`, headers: { accept: 'text/event-stream', ...authorization } }, (res) => {
      if (res.statusCode !== 200) {
        if (res.statusCode === 401) options.credentials?.refused();
        res.resume();
        return broken(`${instance.instanceId} answered ${res.statusCode}`);
      }
      connected = true;
      backoff.reset();
      status({ state: 'connected', instanceId: instance.instanceId });
      const parse = createSseParser((event) => {
        if (event.event !== 'message') return;
        const message = JSON.parse(event.data) as BusMessage<T>;
        queue = queue.then(() => onStreamMessage(instance, message)).catch(() => broken(`${instance.instanceId} could not fill a gap`));
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        touch();
        parse(chunk);
      });
      res.on('end', () => broken(`${instance.instanceId} ended the stream`));
      res.on('error', () => broken(`${instance.instanceId} broke the stream`));
      res.on('close', () => broken(`${instance.instanceId} closed the stream`));
    });
    // Only the current stream may trigger a reconnection; later events of a dropped one are ignored.
    function broken(reason: string): void {
      if (stream !== req) return;
      reconnect(reason);
      req.destroy();
    }
    // A paused bus keeps the connection open and sends nothing: silence past the timeout is a break.
    function touch(): void {
      clearTimeout(idle);
      idle = setTimeout(() => broken(`${instance.instanceId} sent nothing for ${idleTimeoutMs} ms`), idleTimeoutMs);
      idle.unref();
    }
    req.on('error', () => broken(`${instance.instanceId} is unreachable`));
    req.end();
    stream = req;
    touch();
  }

  connect();
  return {
    get connected() {
      return connected;
    },
    get lastSeq() {
      return lastSeq ?? 0;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(idle);
      const open = stream;
      stream = undefined;
      connected = false;
      open?.destroy();
    },
  };
}

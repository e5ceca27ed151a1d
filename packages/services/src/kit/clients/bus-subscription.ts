import { request as httpRequest, type ClientRequest } from 'node:http';
import type { BusBacklog, BusMessage } from '../../contract/bus-api.js';
import type { InstanceRecord } from '../../contract/registry-api.js';
import { createBackoff } from '../backoff.js';
import { SubscriptionBase } from './subscription-base.js';
import type { HttpClient } from '../http/client.js';
import { createSseParser } from '../discovery/sse.js';
import type { ServiceCredentials } from '../../contract/service-token-source.js';

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
  const subscription = new SseBusSubscription(options);
  subscription.connect();
  return subscription;
}

/** openBusSubscription's subscription: the phases of subscription-lifecycle.ts over SSE. */
class SseBusSubscription<T> extends SubscriptionBase {
  private readonly options: BusSubscriptionOptions<T>;
  private readonly encoded: string;
  private readonly idleTimeoutMs: number;
  private readonly backoff = createBackoff({ baseMs: 100, maxMs: 2000 });
  // The bus state the seqs belong to: another epoch means the bus started afresh.
  private epoch: string | undefined;
  private stream: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private rotation = 0;
  // Messages are handled one at a time, so a backlog read for a gap finishes before the next message.
  private queue: Promise<void> = Promise.resolve();
  // The stream and the backlog reads of the current connection carry the same token.
  private authorization: Record<string, string> = {};

  constructor(options: BusSubscriptionOptions<T>) {
    super(options.topic);
    this.options = options;
    this.encoded = encodeURIComponent(options.topic);
    this.idleTimeoutMs = options.idleTimeoutMs ?? defaultBusIdleTimeoutMs;
  }

  close(): void {
    this.lifecycle.transition('close');
    clearTimeout(this.timer);
    clearTimeout(this.idle);
    const open = this.stream;
    this.stream = undefined;
    open?.destroy();
  }

  /** Phase `preparing`: picks the next listed instance, fixes the seq to resume after, then opens the stream. */
  connect(): void {
    const instances = this.options.instances();
    if (instances.length === 0) return this.fail('no bus instance is listed');
    const instance = instances[this.rotation++ % instances.length]!;
    this.authorize()
      .then(() => this.prepare(instance))
      .then(
        () => this.open(instance),
        () => this.fail(`${instance.instanceId} did not answer`),
      );
  }

  private status(next: BusSubscriptionStatus): void {
    this.options.onStatus?.(next);
  }

  private deliver(message: BusMessage<T>): void {
    if (this.seq !== undefined && message.seq <= this.seq) return;
    this.seq = message.seq;
    this.options.onMessage(message);
  }

  private async authorize(): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials) return;
    const token = await credentials.token();
    this.authorization = token === undefined ? {} : { authorization: `Bearer ${token}` };
  }

  private async backlog(instance: InstanceRecord, after: number, limit = 1000): Promise<BusBacklog<T>> {
    const answer = await this.options.http.call<BusBacklog<T>>({ host: instance.host, port: instance.port, method: 'GET', path: `/bus/topics/${this.encoded}/messages?after=${after}&limit=${limit}`, name: 'bus.backlog', headers: this.authorization });
    if (answer.status === 401) this.options.credentials?.refused();
    if (answer.status !== 200) throw new Error(`bus answered ${answer.status} to a backlog read`);
    return answer.body;
  }

  // Before (re)streaming, fix the seq to resume after. The first time it is the topic's newest
  // (`after=0`: an `after` ahead of the topic would replay everything retained). Later, if the
  // bus restarted (its seqs went back) or dropped what we missed, say so.
  private async prepare(instance: InstanceRecord): Promise<void> {
    if (this.seq === undefined) {
      const head = await this.backlog(instance, 0, 1);
      this.seq = head.latestSeq;
      this.epoch = head.epoch;
      return;
    }
    const state = await this.backlog(instance, this.seq);
    const restarted = state.epoch !== this.epoch || state.latestSeq < this.seq;
    if (restarted || state.oldestSeq > this.seq + 1) {
      this.status({ state: 'lost', afterSeq: this.seq });
      // A restarted bus counts from 1 again: replay all it holds; otherwise resume at its oldest.
      this.seq = restarted ? 0 : state.oldestSeq - 1;
      this.epoch = state.epoch;
    }
  }

  // A gap (seq > last + 1) is filled from the backlog before the message is delivered.
  private async onStreamMessage(instance: InstanceRecord, message: BusMessage<T>): Promise<void> {
    const last = this.seq;
    if (last !== undefined && message.seq > last + 1) {
      const missed = await this.backlog(instance, last);
      if (missed.oldestSeq > last + 1) this.status({ state: 'lost', afterSeq: last });
      for (const earlier of missed.messages) if (earlier.seq < message.seq) this.deliver(earlier);
    }
    this.deliver(message);
  }

  /** Leaves the current phase for `waiting` and schedules the next attempt. */
  private fail(reason: string): void {
    clearTimeout(this.idle);
    const left = this.lifecycle.transition('failed');
    // Said once per broken stream, and on every attempt that could not reach a stream.
    if (left === 'connected' || left === 'preparing') this.status({ state: 'disconnected', reason });
    this.stream = undefined;
    if (this.lifecycle.phase !== 'waiting') return;
    this.timer = setTimeout(() => {
      this.lifecycle.transition('retry');
      this.connect();
    }, this.backoff.next());
  }

  /** Phase `opening`: asks `instance` for the stream after the seq reached; `connected` once it answers 200. */
  private open(instance: InstanceRecord): void {
    this.lifecycle.transition('prepared');
    if (this.lifecycle.phase !== 'opening') return;
    const { instanceId } = instance;
    const req = httpRequest({ host: instance.host, port: instance.port, path: `/bus/topics/${this.encoded}/stream?after=${this.seq ?? 0}`, headers: { accept: 'text/event-stream', ...this.authorization } }, (res) => {
      if (res.statusCode !== 200) {
        if (res.statusCode === 401) this.options.credentials?.refused();
        res.resume();
        return broken(`${instanceId} answered ${res.statusCode}`);
      }
      this.lifecycle.transition('opened');
      this.backoff.reset();
      this.status({ state: 'connected', instanceId });
      const parse = createSseParser((event) => {
        if (event.event !== 'message') return;
        const message = JSON.parse(event.data) as BusMessage<T>;
        this.queue = this.queue.then(() => this.onStreamMessage(instance, message)).catch(() => broken(`${instanceId} could not fill a gap`));
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        touch();
        parse(chunk);
      });
      res.on('end', () => broken(`${instanceId} ended the stream`));
      res.on('error', () => broken(`${instanceId} broke the stream`));
      res.on('close', () => broken(`${instanceId} closed the stream`));
    });
    // Only the current stream may trigger a reconnection; later events of a dropped one are ignored.
    const broken = (reason: string): void => {
      if (this.stream !== req) return;
      this.fail(reason);
      req.destroy();
    };
    // A paused bus keeps the connection open and sends nothing: silence past the timeout is a break.
    const touch = (): void => {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => broken(`${instanceId} sent nothing for ${this.idleTimeoutMs} ms`), this.idleTimeoutMs);
      this.idle.unref();
    };
    req.on('error', () => broken(`${instanceId} is unreachable`));
    req.end();
    this.stream = req;
    touch();
  }
}

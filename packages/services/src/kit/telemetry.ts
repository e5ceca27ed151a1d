import type { LogLevel, Span } from '../contract/telemetry.js';
import type { ParentChannel } from './ipc.js';
import { redactFields } from './redact.js';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const maxBatch = 512;

/**
 * A span as a service records it; the kit fills in service, instance and address. `sampled:
 * false` (a trace whose `traceparent` cleared the sampled flag) makes `span()` drop it.
 */
export type SpanInput = Omit<Span, 'service' | 'instanceId' | 'address'> & { readonly sampled?: false };

/** A span of the trace context `trace` (its ids, its parent when it has one, its sampling) with the rest of `fields`. */
export function spanIn(trace: { readonly traceId: string; readonly spanId: string; readonly parentSpanId?: string | undefined; readonly sampled?: false | undefined }, fields: Omit<SpanInput, 'traceId' | 'spanId' | 'parentSpanId' | 'sampled'>): SpanInput {
  return { traceId: trace.traceId, spanId: trace.spanId, ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}), ...(trace.sampled === false ? { sampled: false as const } : {}), ...fields };
}

/** Options of createTelemetry. */
export interface TelemetryOptions {
  readonly service: string;
  readonly instanceId: string;
  readonly channel: ParentChannel;
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** Where lines go when there is no supervisor. @default process.stderr */
  readonly fallback?: NodeJS.WritableStream;
  /**
   * How long a span may wait to be sent with others: under load one IPC message (one write
   * here, one read and parse in the supervisor) carries many spans. 0 sends each event-loop
   * turn's spans at the end of the turn. @default 0
   */
  readonly spanBatchMs?: number;
}

/** Logs, spans, states and events of one instance, sent to the supervisor over IPC. */
export interface Telemetry {
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
  debug(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /**
   * Records a finished span; spans are batched and flushed once per event-loop turn, or after
   * `spanBatchMs`. A span of an unsampled trace (`sampled: false`) is dropped.
   */
  span(span: SpanInput): void;
  /** Reports a change of the instance's own condition. */
  state(state: string, detail?: string): void;
  /** Reports a domain event; `data` must hold no secret. */
  event(name: string, data: Readonly<Record<string, unknown>>): void;
  /** Sets the address spans carry, once the server listens. */
  setAddress(address: string): void;
  /** Sends pending spans now (before exit). */
  flush(): void;
}

/** Creates the telemetry of one instance. */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { service, instanceId, channel } = options;
  const minRank = levelRank[options.level ?? 'info'];
  const fallback = options.fallback ?? process.stderr;
  let address = '';
  const batchMs = options.spanBatchMs ?? 0;
  let pending: Span[] = [];
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const spans = pending;
    pending = [];
    channel.send({ type: 'spans', spans });
  };

  const log = (level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>) => {
    if (levelRank[level] < minRank) return;
    const record = { time: Date.now(), level, msg, ...(fields ? { fields: redactFields(fields) } : {}) };
    if (channel.connected) channel.send({ type: 'log', record });
    else fallback.write(`${JSON.stringify({ instanceId, ...record })}\n`);
  };

  return {
    log,
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    span(input) {
      if (input.sampled === false || !channel.connected) return;
      // A literal of one fixed shape, not a spread: this runs twice per proxied request.
      pending.push({
        traceId: input.traceId,
        spanId: input.spanId,
        parentSpanId: input.parentSpanId,
        service,
        instanceId,
        address,
        kind: input.kind,
        name: input.name,
        start: input.start,
        durationMs: input.durationMs,
        status: input.status,
        attributes: input.attributes,
      });
      if (pending.length >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        if (batchMs > 0) {
          timer = setTimeout(flush, batchMs);
          // A batch waiting to be sent must not keep an otherwise finished process alive.
          timer.unref();
        } else setImmediate(flush);
      }
    },
    state(state, detail) {
      channel.send(detail === undefined ? { type: 'state', state } : { type: 'state', state, detail });
    },
    event(name, data) {
      channel.send({ type: 'event', name, data: redactFields(data) });
    },
    setAddress(next) {
      address = next;
    },
    flush,
  };
}

/** One timed operation of one instance, linked to others by a W3C trace id. */
export interface Span {
  /** 32 hex chars, shared by every hop of one request. */
  readonly traceId: string;
  /** 16 hex chars, unique per span. */
  readonly spanId: string;
  /** The span that caused this one; absent at the root. */
  readonly parentSpanId?: string;
  /** Service that recorded the span. */
  readonly service: string;
  /** Instance that recorded the span (`profile#2`). */
  readonly instanceId: string;
  /** Address the instance listens on (`127.0.5.2:41234`). */
  readonly address: string;
  /**
   * `server`: a request this instance answered.
   * `client`: a call this instance made to another one.
   * `internal`: work inside the instance (a cache lookup, a token check).
   */
  readonly kind: 'server' | 'client' | 'internal';
  /** Short name, e.g. `POST /auth/login` or `auth.introspect`. */
  readonly name: string;
  /** Start time, epoch milliseconds. */
  readonly start: number;
  /** Duration in milliseconds (fractional). */
  readonly durationMs: number;
  /** HTTP status answered or received, when there was one. */
  readonly status?: number;
  /** Small facts about the hop: `cache: 'hit'`, `upstream: 'profile#2'`, `error: 'GATEWAY_UPSTREAM_TIMEOUT'`. */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Log levels, in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log line. Never holds a password, code or token: the kit redacts known fields. */
export interface LogRecord {
  readonly time: number;
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

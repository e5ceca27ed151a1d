import type { LogRecord, Span } from './telemetry.js';

/** Where an instance listens. */
export interface InstanceAddress {
  readonly host: string;
  readonly port: number;
}

/** Messages an instance sends to the supervisor over the IPC channel. */
export type ChildMessage =
  /** Listening, registered (domain services), serving. */
  | {
      readonly type: 'ready';
      readonly instanceId: string;
      readonly address: InstanceAddress;
      readonly pid: number;
      /** Listeners besides `address`, by name (`http`: the gateway's redirect to HTTPS; `dns`: UDP and TCP). */
      readonly endpoints?: Readonly<Record<string, InstanceAddress>>;
    }
  /** A log line. */
  | { readonly type: 'log'; readonly record: LogRecord }
  /** Finished spans, batched. */
  | { readonly type: 'spans'; readonly spans: readonly Span[] }
  /** A change of the instance's own condition (`registered`, `degraded`, `draining`). */
  | { readonly type: 'state'; readonly state: string; readonly detail?: string }
  /** A domain event others may show (`sms.sent`, `registry.evicted`). No secrets in `data`. */
  | { readonly type: 'event'; readonly name: string; readonly data: Readonly<Record<string, unknown>> }
  /** The answer to a `command`. */
  | { readonly type: 'reply'; readonly id: number; readonly ok: boolean; readonly error?: string; readonly data?: unknown };

/** Messages the supervisor sends to an instance. */
export type ParentMessage = {
  readonly type: 'command';
  /** Correlates the `reply`. */
  readonly id: number;
  /** What to do; each service handles the commands it knows and refuses the rest. */
  readonly command: string;
  readonly args?: Readonly<Record<string, unknown>>;
};

/** Type guard for messages arriving at the supervisor. */
export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

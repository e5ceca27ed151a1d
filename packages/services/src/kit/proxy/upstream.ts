import { performance } from 'node:perf_hooks';
import { spanIn, type Telemetry } from '../telemetry.js';
import type { TraceContext } from '../trace.js';

/** Where one proxied attempt goes. */
export interface Upstream {
  /** Instance id shown in spans (`profile#2`). */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** When the registry registered this incarnation (epoch ms); tells a restarted instance from the one that failed. */
  readonly registeredAt?: number;
}

/** Why an attempt failed before the upstream answered. */
export type AttemptFailure =
  /** Nobody listens there: the request never arrived. */
  | 'refused'
  /** The upstream stayed silent past the timeout: it may have acted. */
  | 'timeout'
  /** Anything else (reset, broken pipe): it may have acted. */
  | 'failed';

/** How one attempt ended, as discovery hears it: `answered` (any status) or a failure. */
export type AttemptResult = 'answered' | AttemptFailure;

/** One incarnation of an instance: the same id on another address or registration is another one. */
export function incarnationOf(instance: { readonly host: string; readonly port: number; readonly registeredAt?: number }): string {
  return `${instance.host}:${instance.port}@${instance.registeredAt ?? 0}`;
}

const noRecord = (): void => undefined;

/**
 * Starts the clock of one attempt and answers the function that records its client span when it
 * ends: `target` and `peer` (the upstream) in its attributes, with `extra` and the failure if any.
 * An attempt of an unsampled trace gets a function that records nothing.
 */
export function startAttemptSpan(
  telemetry: Telemetry,
  clock: () => number,
  attempt: { readonly upstream: Upstream; readonly trace: TraceContext; readonly name: string },
  extra: Readonly<Record<string, string>> = {},
): (status: number | undefined, failure?: string) => void {
  const { upstream, trace } = attempt;
  if (trace.sampled === false) return noRecord;
  const started = performance.now();
  const start = clock();
  return (status, failure) =>
    telemetry.span(spanIn(trace, {
      kind: 'client',
      name: attempt.name,
      start,
      durationMs: performance.now() - started,
      ...(status === undefined ? {} : { status }),
      attributes: { target: `${upstream.host}:${upstream.port}`, peer: upstream.id, ...extra, ...(failure ? { failure } : {}) },
    }));
}

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

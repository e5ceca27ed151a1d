import type { InstanceState } from './instance-state.js';

/** A snapshot of one supervised instance. */
export interface InstanceInfo {
  /** `profile#2`. */
  readonly id: string;
  readonly service: string;
  /** 1-based replica number. */
  readonly index: number;
  /** The address it listens on: the one asked for until `ready`, then the one it reported. */
  readonly host: string;
  readonly port: number;
  /** Other listeners it reported with `ready`, by name (`http`: a gateway's redirect to HTTPS; `dns`). */
  readonly endpoints: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
  readonly pid: number | undefined;
  readonly state: InstanceState;
  /** The last condition the instance reported itself (`registered`, `degraded`), if any. */
  readonly condition: string | undefined;
  /** Epoch ms of the spawn. */
  readonly startedAt: number;
  /** Epoch ms of the `ready` message. */
  readonly readyAt: number | undefined;
  readonly exitedAt: number | undefined;
  readonly exitCode: number | null | undefined;
  readonly signal: string | null | undefined;
  readonly logFile: string;
  /** The `startAfter` of its service: the supervisor stops dependents before their dependencies. */
  readonly startAfter: readonly string[];
}

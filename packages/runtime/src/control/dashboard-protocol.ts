/**
 * What the web dashboard and the control server say to each other. The page reads one
 * Server-Sent Events stream, `GET /v1/stream` (event name = `type` below, data = the JSON
 * message), and acts through the control API's JSON routes (`POST /v1/modes`,
 * `POST /v1/instances/:id/:action`, `POST /v1/services/:name/scale`, `GET /v1/phone/:number`).
 * Types only: the browser imports them with `import type`.
 */
import type { Span, TopologyModes } from '@topolab/services/contract';
import type { InstanceState } from '../supervisor/instance-state.js';

/** One instance as the dashboard draws it. */
export interface DashboardInstance {
  /** `profile#2`. */
  readonly id: string;
  readonly service: string;
  readonly kind: 'infrastructure' | 'domain';
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly state: InstanceState;
  /** `zombie`, `paused`, … when the supervisor knows one. */
  readonly condition: string | undefined;
  readonly zombie: boolean;
  /** Keeps a lease in the registry (false for the registry itself, redis, nginx-sync). */
  readonly registers: boolean;
  /** In the registry's catalog now; undefined before anyone asked, or for an instance that does not register. */
  readonly registered: boolean | undefined;
  /** Epoch ms of the last heartbeat the registry took, when it registers. */
  readonly lastHeartbeat: number | undefined;
  /** Epoch ms its lease runs out without another heartbeat (lastHeartbeat + heartbeatMs × missedHeartbeats). */
  readonly leaseExpiresAt: number | undefined;
  /** Resident set size of its process, MB; undefined while it has none. */
  readonly rssMb: number | undefined;
  readonly requests: number;
  readonly errors: number;
}

/** `hello`: the first message of every stream. */
export interface DashboardHello {
  readonly type: 'hello';
  /** Epoch ms on the server, to correct the page's clock. */
  readonly now: number;
  readonly gatewayUrl: string;
  readonly modes: TopologyModes;
  /** Every value each mode may take. */
  readonly choices: { readonly discovery: readonly string[]; readonly auth: readonly string[] };
  readonly timings: { readonly heartbeatMs: number; readonly missedHeartbeats: number };
  readonly instances: readonly DashboardInstance[];
  /** Spans of the last requests, oldest first, so a fresh page has a waterfall to show. */
  readonly spans: readonly Span[];
}

/** `instances`: every instance, twice a second (heartbeats and RSS move even when nothing happens). */
export interface DashboardInstances {
  readonly type: 'instances';
  readonly now: number;
  readonly instances: readonly DashboardInstance[];
}

/** `spans`: spans an instance just sent (sampled requests only). */
export interface DashboardSpans {
  readonly type: 'spans';
  readonly spans: readonly Span[];
}

/** `modes`: every gateway switched. */
export interface DashboardModes {
  readonly type: 'modes';
  readonly time: number;
  readonly modes: TopologyModes;
  readonly previous: TopologyModes;
}

/** `log`: one line of the event log (state changes, faults, crashes, domain events, warnings). */
export interface DashboardLogLine {
  readonly type: 'log';
  readonly time: number;
  /** Instance the line is about; undefined for the topology as a whole. */
  readonly instance: string | undefined;
  readonly level: 'info' | 'warn' | 'error';
  /** `profile#2 evicted`, `sms.sent to=+447700900123 template=otp`: never a password, code or token. */
  readonly text: string;
  /** For `sms.sent`: the number, so the page can read the phone (`GET /v1/phone/:number`). */
  readonly smsTo?: string;
}

/** Every message of the stream. */
export type DashboardMessage = DashboardHello | DashboardInstances | DashboardSpans | DashboardModes | DashboardLogLine;

export type { TopologyModes, Span } from '@topolab/services/contract';
export type { InstanceState } from '../supervisor/instance-state.js';
/** A fault the page's buttons send (`POST /v1/instances/:id/:action`). */
export type { FaultAction } from '../topology/faults.js';
/** One SMS in `GET /v1/phone/:number`'s answer. */
export type { PhoneMessage } from './control-routes.js';

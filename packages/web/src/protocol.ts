/**
 * What the dashboard page and the control server say to each other: the types of
 * packages/runtime/src/control/dashboard-protocol.ts (erased at build: of the runtime, only the
 * browser-safe `@topolab/runtime/trace-model` reaches the browser), and the few values the page needs.
 *
 * The page reads one Server-Sent Events stream, `GET /v1/stream` (event name = `type`, data =
 * the JSON message), and acts through the control API's JSON routes (`POST /v1/modes`,
 * `POST /v1/instances/:id/:action`, `POST /v1/services/:name/scale`, `GET /v1/phone/:number`).
 */

export type {
  DashboardHello,
  DashboardInstance,
  DashboardInstances,
  DashboardLogLine,
  DashboardMessage,
  DashboardModes,
  DashboardSpans,
  FaultAction as InstanceAction,
  InstanceState,
  PhoneMessage,
  Span,
  TopologyModes,
} from '@topolab/runtime/dashboard-protocol';
import type { DashboardMessage } from '@topolab/runtime/dashboard-protocol';

/** Every message type of the stream, for the EventSource listeners. */
export const messageTypes = ['hello', 'instances', 'spans', 'modes', 'log'] as const satisfies readonly DashboardMessage['type'][];

/** An error answer of a control route. */
export interface ControlErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
}



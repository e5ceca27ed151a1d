import type { LogRecord, Span } from '@topolab/services/contract';
import type { InstanceState } from './instance-state.js';

/** Fields every supervisor event carries. */
interface InstanceEventBase {
  /** Epoch ms when the supervisor saw it. */
  readonly time: number;
  /** `profile#2`. */
  readonly instanceId: string;
  readonly service: string;
}

/** Where a log line came from: the kit's IPC logger, or the raw output of the process. */
export type LogSource = 'ipc' | 'stdout' | 'stderr';

/** What the supervisor reports about its children. */
export type SupervisorEvent =
  /** The supervisor's view of an instance changed. */
  | (InstanceEventBase & { readonly type: 'instance.state'; readonly state: InstanceState; readonly previous: InstanceState | undefined; readonly pid: number | undefined })
  /** An instance died without being asked to stop. */
  | (InstanceEventBase & {
      readonly type: 'instance.crashed';
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly lastLines: readonly string[];
      readonly logFile: string;
    })
  /** The instance reported a change of its own condition (`registered`, `degraded`, `stopping`). */
  | (InstanceEventBase & { readonly type: 'instance.condition'; readonly condition: string; readonly detail: string | undefined })
  /** One log line (IPC records keep their fields; output lines have only `msg`). */
  | (InstanceEventBase & { readonly type: 'log'; readonly source: LogSource; readonly record: LogRecord })
  /** A batch of finished spans. */
  | (InstanceEventBase & { readonly type: 'spans'; readonly spans: readonly Span[] })
  /** A domain event (`sms.sent`, `registry.evicted`); `data` holds no secret. */
  | (InstanceEventBase & { readonly type: 'event'; readonly name: string; readonly data: Readonly<Record<string, unknown>> });

/** Receives supervisor events. */
export type SupervisorEventListener = (event: SupervisorEvent) => void;

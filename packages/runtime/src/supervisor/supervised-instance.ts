import { isChildMessage, type ChildMessage, type ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { ChildHandle } from './child-process.js';
import { createCommandReplies, type CommandReplies } from './command-replies.js';
import { createInstanceLifecycle, type InstanceLifecycle } from './instance-lifecycle.js';
import type { InstanceInfo } from './instance-info.js';
import { formatLogRecord, type InstanceLog } from './instance-log.js';
import { isLiveState } from './instance-state.js';
import type { ManagedInstance } from './managed-instance.js';
import type { SupervisorEvent } from './supervisor-events.js';
import { terminateChild } from './terminate-child.js';

/** What a SupervisedInstance is built from: a spawned child and its open log. */
export interface SupervisedInstanceOptions {
  readonly id: string;
  readonly spec: Pick<ServiceSpec, 'name' | 'entry' | 'startAfter'>;
  readonly index: number;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  readonly child: ChildHandle;
  readonly log: InstanceLog;
  readonly emit: (event: SupervisorEvent) => void;
}

type ReadyMessage = Extract<ChildMessage, { type: 'ready' }>;

/** A settled-from-outside promise. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * One spawned child, followed until it is gone. Its life is an InstanceLifecycle (the table in
 * instance-lifecycle.ts); each handler below turns what the child or the supervisor did into
 * one lifecycle event.
 */
export class SupervisedInstance implements ManagedInstance {
  readonly id: string;
  readonly ready: Promise<InstanceInfo>;
  readonly exited: Promise<void>;
  private readonly options: SupervisedInstanceOptions;
  private readonly child: ChildHandle;
  private readonly log: InstanceLog;
  private readonly replies: CommandReplies;
  private readonly lifecycle: InstanceLifecycle;
  private readonly startedAt = Date.now();
  private readonly started = deferred<InstanceInfo>();
  private readonly gone = deferred<void>();
  private readonly startTimer: NodeJS.Timeout;
  private host: string;
  private port: number;
  private endpoints: InstanceInfo['endpoints'] = {};
  private condition: string | undefined;
  private readyAt: number | undefined;
  private exit: { at: number; code: number | null; signal: string | null } | undefined;
  // Set by stop() and expectExit(): the coming exit is not a crash.
  private exitExpected = false;
  private startTimedOut = false;
  private stopping: Promise<void> | undefined;

  constructor(options: SupervisedInstanceOptions) {
    this.options = options;
    this.id = options.id;
    this.child = options.child;
    this.log = options.log;
    this.host = options.host;
    this.port = options.port;
    this.replies = createCommandReplies(options.id);
    this.lifecycle = createInstanceLifecycle({
      instanceId: options.id,
      onStateChange: (state, previous) => this.emit({ type: 'instance.state', state, previous, pid: this.child.pid }),
    });
    this.ready = this.started.promise;
    this.exited = this.gone.promise;
    // The caller awaits `ready`; this only keeps a rejection nobody awaits from being reported as unhandled.
    this.ready.catch(() => undefined);
    this.startTimer = setTimeout(() => this.onStartTimeout(), options.startTimeoutMs);
    this.followChild();
  }

  /** Emits the first `instance.state` (`starting`): call it once the supervisor has recorded the instance. */
  announce(): void {
    this.emit({ type: 'instance.state', state: 'starting', previous: undefined, pid: this.child.pid });
  }

  info(): InstanceInfo {
    const { spec, index, logFile } = this.options;
    const exit = this.exit;
    return {
      id: this.id,
      service: spec.name,
      index,
      host: this.host,
      port: this.port,
      endpoints: this.endpoints,
      pid: this.child.pid,
      state: this.lifecycle.state,
      condition: this.condition,
      startedAt: this.startedAt,
      readyAt: this.readyAt,
      exitedAt: exit?.at,
      exitCode: exit?.code,
      signal: exit?.signal,
      logFile,
      startAfter: spec.startAfter,
    };
  }

  lastLines(): string[] {
    return this.log.lastLines();
  }

  stop(graceMs: number): Promise<void> {
    if (this.exit) return this.exited;
    if (this.stopping) return this.stopping;
    this.exitExpected = true;
    const paused = this.lifecycle.state === 'paused';
    this.lifecycle.transition('stop');
    this.stopping = terminateChild({
      child: this.child,
      exited: this.exited,
      graceMs,
      paused,
      onEscalate: () => this.log.writeLine(`supervisor: no exit ${graceMs} ms after SIGTERM; sending SIGKILL`),
    });
    return this.stopping;
  }

  expectExit(): void {
    this.exitExpected = true;
  }

  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
    this.assertLive();
    this.child.kill(signal);
    if (signal === 'SIGSTOP') this.lifecycle.transition('pause');
    else if (signal === 'SIGCONT') this.lifecycle.transition('resume');
  }

  command(command: string, args: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<unknown> {
    this.assertLive();
    const { id, reply } = this.replies.expect(command, timeoutMs);
    try {
      this.child.send({ type: 'command', id, command, args });
    } catch {
      this.replies.settle({ id, ok: false, error: 'the IPC channel is closed' });
    }
    return reply;
  }

  private emit(event: DistributiveOmit<SupervisorEvent, 'time' | 'instanceId' | 'service'>): void {
    this.options.emit({ time: Date.now(), instanceId: this.id, service: this.options.spec.name, ...event });
  }

  private assertLive(): void {
    const state = this.lifecycle.state;
    if (!isLiveState(state)) {
      throw runtimeError('SUPERVISOR_NOT_RUNNING', { message: `${this.id} is not running (${state}).`, details: { instanceId: this.id, state } });
    }
  }

  private followChild(): void {
    const child = this.child;
    child.on('message', (raw) => {
      if (isChildMessage(raw)) this.onMessage(raw);
    });
    child.on('exit', (code, signal) => void this.onExit(code, signal));
    child.on('error', (error) => {
      // After a spawn failure no 'exit' follows; other errors (a send on a closed channel) are not fatal.
      if (child.pid !== undefined) return;
      this.log.writeLine(`spawn failed: ${error.message}`);
      void this.onExit(null, null);
    });
    if (child.stdout) this.log.follow(child.stdout, (line) => this.onOutput('stdout', line));
    if (child.stderr) this.log.follow(child.stderr, (line) => this.onOutput('stderr', line));
  }

  private onOutput(source: 'stdout' | 'stderr', line: string): void {
    this.emit({ type: 'log', source, record: { time: Date.now(), level: source === 'stderr' ? 'warn' : 'info', msg: line } });
  }

  private onStartTimeout(): void {
    if (!this.lifecycle.starting) return;
    this.startTimedOut = true;
    const lastLines = this.log.lastLines();
    const { logFile, startTimeoutMs } = this.options;
    void this.stop(1000).then(() =>
      this.started.reject(runtimeError('SUPERVISOR_START_TIMEOUT', {
        message: `${this.id} did not report ready within ${startTimeoutMs} ms.`,
        lastLines,
        details: { instanceId: this.id, logFile, timeoutMs: startTimeoutMs },
      })),
    );
  }

  private onMessage(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        return this.onReady(message);
      case 'log':
        this.log.writeLine(formatLogRecord(message.record));
        return this.emit({ type: 'log', source: 'ipc', record: message.record });
      case 'spans':
        return this.emit({ type: 'spans', spans: message.spans });
      case 'state':
        this.condition = message.state;
        this.log.writeLine(formatLogRecord({ time: Date.now(), level: 'info', msg: `condition ${message.state}${message.detail ? ` (${message.detail})` : ''}` }));
        return this.emit({ type: 'instance.condition', condition: message.state, detail: message.detail });
      case 'event':
        return this.emit({ type: 'event', name: message.name, data: message.data });
      case 'reply':
        return this.replies.settle(message);
    }
  }

  private onReady(message: ReadyMessage): void {
    // A late `ready` (after the start timeout, while stopping) changes nothing.
    if (!this.lifecycle.starting || this.startTimedOut) return;
    clearTimeout(this.startTimer);
    this.host = message.address.host;
    this.port = message.address.port;
    this.endpoints = message.endpoints ?? {};
    this.readyAt = Date.now();
    this.lifecycle.transition('ready');
    this.started.resolve(this.info());
  }

  private async onExit(code: number | null, signal: string | null): Promise<void> {
    if (this.exit) return;
    this.exit = { at: Date.now(), code, signal };
    clearTimeout(this.startTimer);
    this.replies.rejectAll('it exited');
    // The last stderr lines (a stack trace) may still be in the pipe when 'exit' fires.
    await this.log.settle(250);
    const lastLines = this.log.lastLines();
    const wasStarting = this.readyAt === undefined;
    this.lifecycle.transition(this.exitExpected ? 'exit' : 'crash');
    const logFile = this.options.logFile;
    if (!this.exitExpected) this.emit({ type: 'instance.crashed', exitCode: code, signal, lastLines, logFile });
    if (wasStarting && !this.startTimedOut) this.failStartOnExit(code, signal, lastLines);
    // Resolve only after the log is flushed, so whoever awaited the stop can read the whole file.
    await this.log.close();
    this.gone.resolve();
  }

  private failStartOnExit(code: number | null, signal: string | null, lastLines: string[]): void {
    const how = signal ? `by ${signal}` : `with code ${code}`;
    this.started.reject(runtimeError('SUPERVISOR_START_FAILED', {
      message: this.exitExpected ? `${this.id} was stopped before it was ready.` : `${this.id} exited ${how} before it was ready.`,
      lastLines,
      details: { instanceId: this.id, logFile: this.options.logFile, exitCode: code, signal },
    }));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

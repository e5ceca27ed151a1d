import { dirname } from 'node:path';
import { envNames, formatInstanceId, isChildMessage, type ChildMessage, type ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { ChildHandle, SpawnChild } from './child-process.js';
import { createCommandReplies } from './command-replies.js';
import { formatLogRecord, openInstanceLog } from './instance-log.js';
import type { InstanceInfo } from './instance-info.js';
import { isLiveState, type InstanceState } from './instance-state.js';
import { terminateChild } from './terminate-child.js';
import { withPrivateUmask } from './private-umask.js';
import { ensurePrivateDir } from '../topology/private-files.js';
import type { SupervisorEvent } from './supervisor-events.js';

/** What launchInstance needs. */
export interface LaunchOptions {
  readonly spec: Pick<ServiceSpec, 'name' | 'entry' | 'startAfter'>;
  readonly index: number;
  /** `TOPOLAB_*` variables besides service, instance id, host and port (which are set here). */
  readonly env: Readonly<Record<string, string>>;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  readonly spawn: SpawnChild;
  readonly emit: (event: SupervisorEvent) => void;
  /** Called once the child is spawned, before its first event. */
  readonly register: (instance: ManagedInstance) => void;
}

/** One running (or finished) child and everything the supervisor does with it. */
export interface ManagedInstance {
  readonly id: string;
  info(): InstanceInfo;
  lastLines(): string[];
  /** Resolves once the instance reported ready; rejects on timeout or early exit. */
  readonly ready: Promise<InstanceInfo>;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<void>;
  /** Marks the coming exit as asked for (not a crash) without signalling yet. */
  expectExit(): void;
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  command(command: string, args: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<unknown>;
}

/** The parent's environment without `TOPOLAB_*`: a child's configuration comes only from the supervisor. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('TOPOLAB_')) env[name] = value;
  }
  return env;
}

/** Spawns one instance and tracks it until it is gone. Throws synchronously when the spawn fails. */
export function launchInstance(options: LaunchOptions): ManagedInstance {
  const { spec, index, logFile } = options;
  const id = formatInstanceId(spec.name as ServiceSpec['name'], index);
  ensurePrivateDir(dirname(logFile));
  const log = openInstanceLog(logFile, { header: `--- ${new Date().toISOString()} supervisor: starting ${id} (${spec.entry})` });
  const replies = createCommandReplies(id);
  let host = options.host;
  let endpoints: InstanceInfo['endpoints'] = {};
  let port = options.port;
  let state: InstanceState = 'starting';
  let stateBeforePause: InstanceState = 'starting';
  let condition: string | undefined;
  let readyAt: number | undefined;
  let exit: { at: number; code: number | null; signal: string | null } | undefined;
  let stopRequested = false;
  let stopping: Promise<void> | undefined;
  const startedAt = Date.now();

  const child: ChildHandle = (() => {
    try {
      // Umask 077: whatever the instance creates (databases, logs, temp files) is the user's alone.
      return withPrivateUmask(() =>
        options.spawn({
          entry: spec.entry,
          env: { ...inheritedEnv(), ...options.env, [envNames.service]: spec.name, [envNames.instanceId]: id, [envNames.host]: host, [envNames.port]: String(port) },
        }),
      );
    } catch (error) {
      void log.close();
      throw error;
    }
  })();

  const base = () => ({ time: Date.now(), instanceId: id, service: spec.name });
  const setState = (next: InstanceState) => {
    if (next === state) return;
    const previous = state;
    state = next;
    options.emit({ ...base(), type: 'instance.state', state: next, previous, pid: child.pid });
  };

  let markReady: (info: InstanceInfo) => void = () => {};
  let failStart: (error: Error) => void = () => {};
  const ready = new Promise<InstanceInfo>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  let markExited: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    markExited = resolve;
  });

  // The caller awaits `ready`; this only keeps a rejection nobody awaits from being reported as unhandled.
  ready.catch(() => undefined);
  let startTimedOut = false;
  const isStarting = () => state === 'starting' || (state === 'paused' && stateBeforePause === 'starting');

  const startTimer = setTimeout(() => {
    if (!isStarting()) return;
    startTimedOut = true;
    const lastLines = log.lastLines();
    void stop(1000).then(() =>
      failStart(runtimeError('SUPERVISOR_START_TIMEOUT', {
        message: `${id} did not report ready within ${options.startTimeoutMs} ms.`,
        lastLines,
        details: { instanceId: id, logFile, timeoutMs: options.startTimeoutMs },
      })),
    );
  }, options.startTimeoutMs);

  function onMessage(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        if (!isStarting() || startTimedOut) return;
        clearTimeout(startTimer);
        host = message.address.host;
        port = message.address.port;
        endpoints = message.endpoints ?? {};
        readyAt = Date.now();
        if (state === 'paused') stateBeforePause = 'ready';
        else setState('ready');
        markReady(info());
        return;
      case 'log':
        log.writeLine(formatLogRecord(message.record));
        options.emit({ ...base(), type: 'log', source: 'ipc', record: message.record });
        return;
      case 'spans':
        options.emit({ ...base(), type: 'spans', spans: message.spans });
        return;
      case 'state':
        condition = message.state;
        log.writeLine(formatLogRecord({ time: Date.now(), level: 'info', msg: `condition ${message.state}${message.detail ? ` (${message.detail})` : ''}` }));
        options.emit({ ...base(), type: 'instance.condition', condition: message.state, detail: message.detail });
        return;
      case 'event':
        options.emit({ ...base(), type: 'event', name: message.name, data: message.data });
        return;
      case 'reply':
        replies.settle(message);
        return;
    }
  }

  async function onExit(code: number | null, signal: string | null): Promise<void> {
    if (exit) return;
    exit = { at: Date.now(), code, signal };
    clearTimeout(startTimer);
    replies.rejectAll('it exited');
    // The last stderr lines (a stack trace) may still be in the pipe when 'exit' fires.
    await log.settle(250);
    const lastLines = log.lastLines();
    const wasStarting = readyAt === undefined;
    setState(stopRequested ? 'exited' : 'crashed');
    if (!stopRequested) {
      options.emit({ ...base(), type: 'instance.crashed', exitCode: code, signal, lastLines, logFile });
    }
    if (wasStarting && !startTimedOut) {
      const how = signal ? `by ${signal}` : `with code ${code}`;
      failStart(runtimeError('SUPERVISOR_START_FAILED', {
        message: stopRequested ? `${id} was stopped before it was ready.` : `${id} exited ${how} before it was ready.`,
        lastLines,
        details: { instanceId: id, logFile, exitCode: code, signal },
      }));
    }
    // Resolve only after the log is flushed, so whoever awaited the stop can read the whole file.
    await log.close();
    markExited();
  }

  child.on('message', (raw) => {
    if (isChildMessage(raw)) onMessage(raw);
  });
  child.on('exit', (code, signal) => void onExit(code, signal));
  child.on('error', (error) => {
    // After a spawn failure no 'exit' follows; other errors (a send on a closed channel) are not fatal.
    if (child.pid === undefined) {
      log.writeLine(`spawn failed: ${error.message}`);
      void onExit(null, null);
    }
  });
  if (child.stdout) log.follow(child.stdout, (line) => emitOutput('stdout', line));
  if (child.stderr) log.follow(child.stderr, (line) => emitOutput('stderr', line));

  function emitOutput(source: 'stdout' | 'stderr', line: string): void {
    options.emit({ ...base(), type: 'log', source, record: { time: Date.now(), level: source === 'stderr' ? 'warn' : 'info', msg: line } });
  }

  function info(): InstanceInfo {
    return {
      id,
      service: spec.name,
      index,
      host,
      port,
      endpoints,
      pid: child.pid,
      state,
      condition,
      startedAt,
      readyAt,
      exitedAt: exit?.at,
      exitCode: exit?.code,
      signal: exit?.signal,
      logFile,
      startAfter: spec.startAfter,
    };
  }

  function stop(graceMs: number): Promise<void> {
    if (exit) return exited;
    if (stopping) return stopping;
    stopRequested = true;
    const paused = state === 'paused';
    setState('stopping');
    stopping = terminateChild({
      child,
      exited,
      graceMs,
      paused,
      onEscalate: () => log.writeLine(`supervisor: no exit ${graceMs} ms after SIGTERM; sending SIGKILL`),
    });
    return stopping;
  }

  const assertLive = () => {
    if (!isLiveState(state)) {
      throw runtimeError('SUPERVISOR_NOT_RUNNING', { message: `${id} is not running (${state}).`, details: { instanceId: id, state } });
    }
  };

  const managed: ManagedInstance = {
    id,
    info,
    lastLines: () => log.lastLines(),
    ready,
    exited,
    stop,
    expectExit() {
      stopRequested = true;
    },
    signal(signal) {
      assertLive();
      child.kill(signal);
      if (signal === 'SIGSTOP' && state !== 'paused' && state !== 'stopping') {
        stateBeforePause = state;
        setState('paused');
      } else if (signal === 'SIGCONT' && state === 'paused') {
        setState(stateBeforePause);
      }
    },
    command(command, args, timeoutMs) {
      assertLive();
      const { id: commandId, reply } = replies.expect(command, timeoutMs);
      try {
        child.send({ type: 'command', id: commandId, command, args });
      } catch {
        replies.settle({ id: commandId, ok: false, error: 'the IPC channel is closed' });
      }
      return reply;
    },
  };
  // The supervisor records the instance before anyone hears of it.
  options.register(managed);
  options.emit({ ...base(), type: 'instance.state', state: 'starting', previous: undefined, pid: child.pid });
  return managed;
}

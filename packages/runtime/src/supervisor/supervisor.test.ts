import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ChildMessage, ParentMessage, ServiceSpec } from '@topolab/services/contract';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChildHandle, SpawnRequest } from './child-process.js';
import { createSupervisor } from './supervisor.js';
import type { SupervisorEvent } from './supervisor-events.js';
import { testDir } from '@topolab/test-support/files';

/** A child that does what the test tells it; `ignoreTerm` keeps it alive after SIGTERM. */
class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly sent: ParentMessage[] = [];
  readonly signals: string[] = [];
  /** The process umask while the supervisor spawned this child (what a real child inherits). */
  readonly umask: number;
  ignoreTerm = false;
  gone = false;
  constructor(
    readonly pid: number,
    readonly request: SpawnRequest,
  ) {
    super();
    this.umask = process.umask(0o022);
    process.umask(this.umask);
  }
  send(message: ParentMessage): boolean {
    this.sent.push(message);
    return true;
  }
  kill(signal: NodeJS.Signals): boolean {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || (signal === 'SIGTERM' && !this.ignoreTerm)) this.die(null, signal);
    return true;
  }
  tell(message: ChildMessage): void {
    this.emit('message', message);
  }
  die(code: number | null, signal: string | null): void {
    if (this.gone) return;
    this.gone = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('exit', code, signal));
  }
  reportReady(port = 4000): void {
    this.tell({ type: 'ready', instanceId: this.request.env.TOPOLAB_INSTANCE_ID!, address: { host: this.request.env.TOPOLAB_HOST!, port }, pid: this.pid });
  }
}

const spec = (name: ServiceSpec['name'], startAfter: ServiceSpec['startAfter'] = []) => ({ name, entry: `/fake/${name}.js`, startAfter });

describe('createSupervisor with a fake child', () => {
  let dir: string;
  let children: FakeChild[];
  let events: SupervisorEvent[];
  const makeSupervisor = (graceMs = 50, startTimeoutMs = 200) =>
    createSupervisor({
      spawn: (request) => {
        const child = new FakeChild(1000 + children.length, request);
        children.push(child);
        return child as unknown as ChildHandle;
      },
      onEvent: (event) => events.push(event),
      graceMs,
      startTimeoutMs,
    });
  const start = (supervisor: ReturnType<typeof makeSupervisor>, name: ServiceSpec['name'] = 'profile', index = 1, startAfter: ServiceSpec['startAfter'] = []) =>
    supervisor.startInstance({ spec: spec(name, startAfter), index, host: '127.0.5.1', port: 0, logFile: join(dir, 'logs', `${name}-${index}.log`), env: { TOPOLAB_DATA_DIR: dir } });

  /** Starts registry#1, then profile#1 after it (children[0] and children[1]), both ready. */
  const startRegistryAndProfile = async (supervisor: ReturnType<typeof makeSupervisor>) => {
    const registry = start(supervisor, 'registry', 1);
    children[0]!.reportReady();
    await registry;
    const profile = start(supervisor, 'profile', 1, ['registry']);
    children[1]!.reportReady();
    await profile;
  };

  beforeEach(() => {
    dir = testDir('supervisor');
    children = [];
    events = [];
  });

  it('passes the instance environment and resolves on ready with the reported address', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    const child = children[0]!;
    expect(child.request.env).toMatchObject({ TOPOLAB_SERVICE: 'profile', TOPOLAB_INSTANCE_ID: 'profile#1', TOPOLAB_HOST: '127.0.5.1', TOPOLAB_PORT: '0', TOPOLAB_DATA_DIR: dir });
    child.reportReady(4321);
    const info = await started;
    expect(info).toMatchObject({ id: 'profile#1', state: 'ready', host: '127.0.5.1', port: 4321, pid: 1000 });
    const states = events.filter((event) => event.type === 'instance.state').map((event) => (event as { state: string }).state);
    expect(states).toEqual(['starting', 'ready']);
  });

  it('spawns each instance under umask 077 and keeps its log 0600 in a 0700 logs/ (CWE-276)', async () => {
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    chmodSync(join(dir, 'logs'), 0o755);
    writeFileSync(join(dir, 'logs', 'profile-1.log'), 'an earlier run\n', { mode: 0o644 });
    chmodSync(join(dir, 'logs', 'profile-1.log'), 0o644);
    const previous = process.umask(0o022);
    try {
      const supervisor = makeSupervisor();
      const started = start(supervisor);
      children[0]!.reportReady();
      await started;
      expect(children[0]!.umask).toBe(0o077);
      const after = process.umask(0o022);
      expect(after).toBe(0o022);
      await supervisor.stopAll();
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'logs', 'profile-1.log')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'logs', 'profile-1.log'), 'utf8')).toContain('an earlier run');
  });

  it('forwards log, spans, condition and domain events and writes the log file', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    const child = children[0]!;
    child.stdout.write('plain output\n');
    child.tell({ type: 'log', record: { time: Date.now(), level: 'info', msg: 'hello' } });
    child.tell({ type: 'state', state: 'registered' });
    child.tell({ type: 'event', name: 'sms.sent', data: { to: '+100' } });
    child.tell({ type: 'spans', spans: [] });
    child.reportReady();
    await started;
    const types = events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['log', 'instance.condition', 'event', 'spans']));
    expect(supervisor.get('profile#1')?.condition).toBe('registered');
    expect(supervisor.lastLines('profile#1').join('\n')).toContain('plain output');
    await supervisor.stopAll();
    expect(readFileSync(join(dir, 'logs', 'profile-1.log'), 'utf8')).toContain('hello');
  });

  it('times out a child that never reports ready, with its last lines, and stops it', async () => {
    const supervisor = makeSupervisor(50, 100);
    const started = start(supervisor);
    children[0]!.stderr.write('still loading\n');
    await expect(started).rejects.toMatchObject({ code: 'SUPERVISOR_START_TIMEOUT', exitCode: 3, lastLines: ['still loading'] });
    expect(children[0]!.signals).toContain('SIGTERM');
    expect(supervisor.get('profile#1')?.state).toBe('exited');
  });

  it('reports an exit before ready as SUPERVISOR_START_FAILED', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    children[0]!.stderr.write('Error: boom\n');
    children[0]!.die(1, null);
    await expect(started).rejects.toMatchObject({ code: 'SUPERVISOR_START_FAILED', details: { exitCode: 1 } });
  });

  it('emits instance.crashed with exit code and last lines for an unexpected exit', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    children[0]!.reportReady();
    await started;
    children[0]!.stderr.write('fatal: out of cheese\n');
    children[0]!.die(7, null);
    await supervisor.waitForExit('profile#1');
    const crash = events.find((event) => event.type === 'instance.crashed');
    expect(crash).toMatchObject({ instanceId: 'profile#1', exitCode: 7, signal: null, lastLines: ['fatal: out of cheese'] });
    expect(supervisor.get('profile#1')?.state).toBe('crashed');
  });

  it('stops with SIGTERM and escalates to SIGKILL after the grace period', async () => {
    const supervisor = makeSupervisor(30);
    const started = start(supervisor);
    children[0]!.ignoreTerm = true;
    children[0]!.reportReady();
    await started;
    await supervisor.stopInstance('profile#1');
    expect(children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(supervisor.get('profile#1')?.state).toBe('exited');
    expect(events.some((event) => event.type === 'instance.crashed')).toBe(false);
  });

  it('stops dependents before the services they start after', async () => {
    const supervisor = makeSupervisor();
    await startRegistryAndProfile(supervisor);
    const order: string[] = [];
    for (const child of children) child.on('exit', () => order.push(child.request.env.TOPOLAB_SERVICE!));
    await supervisor.stopAll();
    expect(order).toEqual(['profile', 'registry']);
  });

  it('treats an exit during stopAll as asked for, even before that instance got its SIGTERM', async () => {
    const supervisor = makeSupervisor(1000);
    await startRegistryAndProfile(supervisor);
    children[1]!.ignoreTerm = true;
    const stopping = supervisor.stopAll();
    // Ctrl-C reached the registry directly while the supervisor still waits for profile.
    children[0]!.die(0, null);
    children[1]!.die(0, null);
    await stopping;
    expect(supervisor.list().map((info) => info.state)).toEqual(['exited', 'exited']);
    expect(events.some((event) => event.type === 'instance.crashed')).toBe(false);
  });

  it('pauses and resumes, and treats a kill fault as a crash', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    children[0]!.reportReady();
    await started;
    supervisor.signalInstance('profile#1', 'SIGSTOP');
    expect(supervisor.get('profile#1')?.state).toBe('paused');
    supervisor.signalInstance('profile#1', 'SIGCONT');
    expect(supervisor.get('profile#1')?.state).toBe('ready');
    supervisor.signalInstance('profile#1', 'SIGKILL');
    await supervisor.waitForExit('profile#1');
    expect(supervisor.get('profile#1')?.state).toBe('crashed');
    expect(() => supervisor.signalInstance('profile#1', 'SIGSTOP')).toThrow(expect.objectContaining({ code: 'SUPERVISOR_NOT_RUNNING' }));
  });

  it('answers commands with the reply data, refusals and timeouts as codes', async () => {
    const supervisor = makeSupervisor();
    const started = start(supervisor);
    const child = children[0]!;
    child.reportReady();
    await started;
    const ok = supervisor.command('profile#1', 'lease.pause', { a: 1 });
    const sent = child.sent[0]!;
    expect(sent).toMatchObject({ type: 'command', command: 'lease.pause', args: { a: 1 } });
    child.tell({ type: 'reply', id: sent.id, ok: true, data: { paused: true } });
    await expect(ok).resolves.toEqual({ paused: true });
    const refused = supervisor.command('profile#1', 'nope');
    child.tell({ type: 'reply', id: child.sent[1]!.id, ok: false, error: 'unknown command' });
    await expect(refused).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_FAILED' });
    await expect(supervisor.command('profile#1', 'slow', {}, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_TIMEOUT' });
    expect(() => supervisor.command('profile#9', 'x')).toThrow(expect.objectContaining({ code: 'SUPERVISOR_UNKNOWN_INSTANCE' }));
  });

  it('refuses a second live instance with the same id but allows a restart after exit', async () => {
    const supervisor = makeSupervisor();
    const first = start(supervisor);
    children[0]!.reportReady();
    await first;
    await expect(start(supervisor)).rejects.toMatchObject({ code: 'SUPERVISOR_INSTANCE_EXISTS' });
    await supervisor.stopInstance('profile#1');
    const again = start(supervisor);
    children[1]!.reportReady();
    await expect(again).resolves.toMatchObject({ id: 'profile#1', pid: 1001 });
  });
});

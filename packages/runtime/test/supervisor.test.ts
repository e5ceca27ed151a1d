import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sendHttpRequest } from '../src/client/http-request.js';
import { createSupervisor, type Supervisor, type SupervisorEvent } from '../src/supervisor/index.js';
import { fixture, isAlive, killLeftovers, makeTempDir } from './helpers.js';

const kitService = fixture('kit-service.mjs');
const rawChild = fixture('raw-child.mjs');
const onLinux = process.platform === 'linux';

/** A supervisor whose children are all killed when the test ends, whatever happened. */
function supervise(options: { graceMs?: number; startTimeoutMs?: number } = {}) {
  const events: SupervisorEvent[] = [];
  const supervisor = createSupervisor({ ...options, onEvent: (event) => events.push(event) });
  onTestFinished(async () => {
    await supervisor.stopAll({ graceMs: 200 });
    killLeftovers(supervisor.list().map((info) => info.pid));
  });
  return { supervisor, events };
}

function start(supervisor: Supervisor, dir: string, name: 'registry' | 'profile' | 'sms', entry: string, env: Record<string, string> = {}, index = 1) {
  return supervisor.startInstance({
    spec: { name, entry, startAfter: name === 'registry' ? [] : ['registry'] },
    index,
    env,
    host: onLinux ? `127.0.5.${index}` : '127.0.0.1',
    port: 0,
    logFile: join(dir, 'logs', `${name}-${index}.log`),
  });
}

describe('supervisor with real processes', () => {
  it('completes the ready handshake: the child listens on its own loopback address', async () => {
    const dir = makeTempDir('sup-ready');
    const { supervisor } = supervise();
    const info = await start(supervisor, dir, 'profile', kitService);
    expect(info).toMatchObject({ id: 'profile#1', state: 'ready', host: onLinux ? '127.0.5.1' : '127.0.0.1' });
    expect(info.port).toBeGreaterThan(0);
    expect(isAlive(info.pid!)).toBe(true);
    const answer = await sendHttpRequest({ url: `http://${info.host}:${info.port}/ping` });
    expect(answer).toMatchObject({ status: 200, body: { instanceId: 'profile#1' } });
    await supervisor.stopInstance('profile#1');
    expect(readFileSync(info.logFile, 'utf8')).toContain('ready');
  });

  it('forwards spans, domain events and command replies', async () => {
    const dir = makeTempDir('sup-ipc');
    const { supervisor, events } = supervise();
    const info = await start(supervisor, dir, 'profile', kitService);
    await expect(supervisor.command('profile#1', 'echo', { n: 7 })).resolves.toEqual({ n: 7 });
    await expect(supervisor.command('profile#1', 'nonsense')).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_FAILED' });
    await supervisor.command('profile#1', 'event');
    await sendHttpRequest({ url: `http://${info.host}:${info.port}/ping` });
    await expect.poll(() => events.some((event) => event.type === 'spans'), { message: 'a spans event' }).toBeTruthy();
    expect(events.find((event) => event.type === 'event')).toMatchObject({ name: 'fixture.poked', instanceId: 'profile#1' });
  });

  it('refuses an entry that is not built with SUPERVISOR_ENTRY_MISSING', async () => {
    const dir = makeTempDir('sup-missing');
    const { supervisor } = supervise();
    await expect(start(supervisor, dir, 'profile', join(dir, 'nowhere', 'main.js'))).rejects.toMatchObject({ code: 'SUPERVISOR_ENTRY_MISSING', exitCode: 3 });
    expect(supervisor.list()).toEqual([]);
  });

  it('times out a child that never reports ready, with its last log lines, and leaves no process', async () => {
    const dir = makeTempDir('sup-timeout');
    const { supervisor, events } = supervise({ startTimeoutMs: 500, graceMs: 500 });
    const failure = await start(supervisor, dir, 'profile', rawChild, { FIXTURE_MODE: 'silent' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SUPERVISOR_START_TIMEOUT', exitCode: 3 });
    expect((failure as { lastLines: string[] }).lastLines.join('\n')).toContain('still loading');
    const pid = events.find((event) => event.type === 'instance.state')!.pid!;
    expect(isAlive(pid)).toBe(false);
  });

  it('reports a crash with exit code and last lines', async () => {
    const dir = makeTempDir('sup-crash');
    const { supervisor, events } = supervise();
    await start(supervisor, dir, 'profile', kitService);
    await supervisor.command('profile#1', 'crash');
    await supervisor.waitForExit('profile#1');
    const crash = events.find((event) => event.type === 'instance.crashed');
    expect(crash).toMatchObject({ instanceId: 'profile#1', exitCode: 3, signal: null });
    expect((crash as { lastLines: readonly string[] }).lastLines.join('\n')).toContain('crashing on purpose');
    expect(supervisor.get('profile#1')?.state).toBe('crashed');
  });

  it('stops a child that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const dir = makeTempDir('sup-stubborn');
    const { supervisor, events } = supervise({ graceMs: 300 });
    const info = await start(supervisor, dir, 'sms', rawChild, { FIXTURE_MODE: 'stubborn' });
    await supervisor.stopInstance('sms#1');
    expect(isAlive(info.pid!)).toBe(false);
    expect(supervisor.get('sms#1')).toMatchObject({ state: 'exited', signal: 'SIGKILL' });
    expect(supervisor.lastLines('sms#1').join('\n')).toContain('ignoring SIGTERM');
    expect(events.some((event) => event.type === 'instance.crashed')).toBe(false);
  });

  it('pauses and resumes a child: a paused child answers no command', async () => {
    const dir = makeTempDir('sup-pause');
    const { supervisor } = supervise();
    await start(supervisor, dir, 'profile', kitService);
    supervisor.signalInstance('profile#1', 'SIGSTOP');
    expect(supervisor.get('profile#1')?.state).toBe('paused');
    await expect(supervisor.command('profile#1', 'echo', {}, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_TIMEOUT' });
    supervisor.signalInstance('profile#1', 'SIGCONT');
    await expect(supervisor.command('profile#1', 'echo', { back: true })).resolves.toEqual({ back: true });
    // Stopping a paused child must still work: SIGTERM is followed by SIGCONT.
    supervisor.signalInstance('profile#1', 'SIGSTOP');
    await supervisor.stopInstance('profile#1', { graceMs: 2000 });
    expect(supervisor.get('profile#1')).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  it('stopAll leaves no pid alive and every child exits cleanly', async () => {
    const dir = makeTempDir('sup-stopall');
    const { supervisor } = supervise();
    const infos = [await start(supervisor, dir, 'registry', kitService)];
    infos.push(...(await Promise.all([1, 2].map((index) => start(supervisor, dir, 'profile', kitService, {}, index)))));
    infos.push(await start(supervisor, dir, 'sms', rawChild, { FIXTURE_MODE: 'stubborn' }));
    await supervisor.stopAll({ graceMs: 300 });
    for (const info of infos) {
      expect(() => process.kill(info.pid!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    }
    expect(supervisor.list().map((info) => info.state)).toEqual(['exited', 'exited', 'exited', 'exited']);
    expect(supervisor.get('profile#2')?.exitCode).toBe(0);
  });
});

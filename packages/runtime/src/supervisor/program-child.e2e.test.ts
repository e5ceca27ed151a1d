import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildMessage, Span } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './process-alive.js';
import { wrapProgram, type ProgramProcess } from './program-child.js';

function fakeProgram(): ProgramProcess & { signals: NodeJS.Signals[]; exit(code: number): void } {
  const events = new EventEmitter();
  const signals: NodeJS.Signals[] = [];
  const program = {
    pid: 4242,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    exitCode: null,
    signalCode: null,
    signals,
    kill(signal: NodeJS.Signals) {
      signals.push(signal);
      return true;
    },
    on(event: string, listener: (...args: never[]) => void) {
      events.on(event, listener as (...args: unknown[]) => void);
      return program;
    },
    exit(code: number) {
      events.emit('exit', code, null);
    },
  };
  return program as never;
}

const nextMessage = (handle: ReturnType<typeof wrapProgram>) => new Promise<ChildMessage>((resolve) => handle.on('message', (message) => resolve(message as ChildMessage)));

describe('a program as a supervised child', () => {
  it('reports ready with its address once the probe passes, never before', async () => {
    let up = false;
    const handle = wrapProgram(fakeProgram(), { binary: '/usr/bin/redis-server', address: { host: '127.0.11.1', port: 6400 }, probe: async () => up });
    const message = nextMessage(handle);
    await new Promise((resolve) => setTimeout(resolve, 60));
    up = true;
    expect(await message).toMatchObject({ type: 'ready', address: { host: '127.0.11.1', port: 6400 }, pid: 4242 });
  });

  it('stops probing when it exits, refuses commands, and forwards its spans', async () => {
    const program = fakeProgram();
    let deliver: ((spans: readonly Span[]) => void) | undefined;
    let unsubscribed = false;
    const handle = wrapProgram(program, {
      binary: '/usr/sbin/nginx',
      address: { host: '127.0.12.1', port: 8000 },
      probe: async () => false,
      spans: (listener) => {
        deliver = listener;
        return () => (unsubscribed = true);
      },
    });
    const messages: ChildMessage[] = [];
    handle.on('message', (message) => void messages.push(message as ChildMessage));
    handle.send({ type: 'command', id: 7, command: 'lease.pause' });
    deliver!([{ traceId: 't', spanId: 's' } as Span]);
    await expect.poll(() => messages.length).toBe(2);
    expect(messages).toEqual([
      { type: 'reply', id: 7, ok: false, error: 'nginx takes no commands' },
      { type: 'spans', spans: [{ traceId: 't', spanId: 's' }] },
    ]);
    const exited = new Promise((resolve) => handle.on('exit', (code) => resolve(code)));
    program.exit(1);
    expect(await exited).toBe(1);
    expect(unsubscribed).toBe(true);
    expect(handle.send({ type: 'command', id: 8, command: 'x' })).toBe(false);
  });

  it('signals the program itself, or its whole process group (a parent and its child)', async () => {
    const alone = fakeProgram();
    wrapProgram(alone, { binary: 'redis-server', address: { host: 'h', port: 1 }, probe: async () => false }).kill('SIGSTOP');
    expect(alone.signals).toEqual(['SIGSTOP']);
    alone.exit(0);
    // A shell leading its own group, with a child that would outlive it (as nginx's worker outlives its master).
    const leader = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const childPid = Number((await once(leader.stdout!, 'data'))[0].toString().trim());
    const handle = wrapProgram(leader as unknown as ProgramProcess, { binary: 'sh', address: { host: 'h', port: 1 }, probe: async () => false, group: true });
    const exited = once(leader, 'exit');
    expect(handle.kill('SIGKILL')).toBe(true);
    await exited;
    await expect.poll(() => isProcessAlive(childPid)).toBe(false);
  });
});

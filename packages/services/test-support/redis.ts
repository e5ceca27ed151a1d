import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendsRequired } from '@topolab/test-support/programs';
import { findProgram } from '../src/contract/programs.js';

/** A redis-server a test started on loopback, without persistence. */
export interface TestRedis {
  readonly url: string;
  readonly pid: number | undefined;
  /** SIGSTOP: a hung Redis (connections stay open, nothing answers). */
  pause(): void;
  resume(): void;
  /** SIGKILL, then a new empty Redis on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The redis-server binary, or undefined: tests needing it skip, unless TOPOLAB_REQUIRE_BACKENDS=1 (then they fail). */
export function testRedisBinary(): string | undefined {
  const binary = findProgram('redis-server');
  if (!binary && backendsRequired()) throw new Error('redis-server is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed: apt-get install redis-server');
  return binary;
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `host:port` answers PING (PONG, or NOAUTH when the default user is off); rejects after `timeoutMs`. */
export async function waitForPong(host: string, port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      socket.setTimeout(500, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/^(?:\+PONG|-NOAUTH)/.test(data.toString()));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis on ${host}:${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Options of startTestRedis. */
export interface TestRedisOptions {
  /** An ACL file to load (`--aclfile`). @default none: the default user may do anything */
  readonly aclFile?: string;
}

/** Starts redis-server (`binary`) on 127.0.0.1 and a free port; the caller stops it. */
export async function startTestRedis(binary: string, options: TestRedisOptions = {}): Promise<TestRedis> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'topolab-redis-test-'));
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(binary, ['--bind', host, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(options.aclFile ? ['--aclfile', options.aclFile] : [])], { stdio: 'ignore' });
    await waitForPong(host, port);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `redis://${host}:${port}`,
    get pid() {
      return child.pid;
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      child.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

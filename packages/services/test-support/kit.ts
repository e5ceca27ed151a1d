import type { Server } from 'node:http';
import { join } from 'node:path';
import { testDir } from '@topolab/test-support/files';
import { onTestFinished } from 'vitest';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ChildMessage } from '../src/contract/ipc.js';
import type { LogLevel, Span } from '../src/contract/telemetry.js';
import type { ParentChannel } from '../src/kit/ipc.js';
import { createTelemetry, type Telemetry } from '../src/kit/telemetry.js';
import { ConfigError } from '../src/kit/config.js';

/** Telemetry over a fake, connected IPC channel that keeps every message it would send. */
export interface RecordedTelemetry {
  readonly telemetry: Telemetry;
  /** Everything sent, in order. */
  readonly messages: ChildMessage[];
  /** The `event` messages, in order. */
  events(): { name: string; data: Readonly<Record<string, unknown>> }[];
  /** Every span sent. */
  spans(): Span[];
}

/** Options of recordTelemetry. */
export interface RecordTelemetryOptions {
  /** @default `${service}#1` */
  readonly instanceId?: string;
  /** @default 'debug' */
  readonly level?: LogLevel;
}

/** Creates telemetry that records instead of sending, for tests that inspect logs, spans and events. */
export function recordTelemetry(service = 'test', options: RecordTelemetryOptions = {}): RecordedTelemetry {
  const messages: ChildMessage[] = [];
  const channel: ParentChannel = { connected: true, send: (message) => void messages.push(message), onCommand: () => undefined };
  return {
    telemetry: createTelemetry({ service, instanceId: options.instanceId ?? `${service}#1`, channel, level: options.level ?? 'debug' }),
    messages,
    events: () => messages.flatMap((message) => (message.type === 'event' ? [{ name: message.name, data: message.data }] : [])),
    spans: () => messages.flatMap((message) => (message.type === 'spans' ? message.spans : [])),
  };
}

/** The problems `parse` names in `env` (none when it accepts it), for config tests. */
export function configProblems(parse: (env: NodeJS.ProcessEnv) => unknown, env: NodeJS.ProcessEnv): readonly string[] {
  try {
    parse(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : ['not a ConfigError'];
  }
}

/** The error code of an error answer (`{ error: { code } }`), from any answer that carries its parsed body. */
export function errorCode(answer: { readonly body?: unknown }): unknown {
  return (answer.body as { error?: { code?: unknown } } | undefined)?.error?.code;
}

/** Awaits something a test started and closes it when the test finishes (passed or failed). */
export async function closeAfterTest<T extends { close(): void | Promise<void> }>(starting: T | Promise<T>): Promise<T> {
  const started = await starting;
  onTestFinished(() => started.close());
  return started;
}

/**
 * Opens a service's store on `<name>.db` in a fresh temp folder; when the test finishes, the
 * store is closed and then the folder removed.
 */
export function openTestStore<S extends { close(): void }>(name: string, open: (file: string) => S): S {
  const dir = testDir(name);
  const store = open(join(dir, `${name}.db`));
  onTestFinished(() => store.close());
  return store;
}

/** Listens on `host` port 0 and answers the base URL; the caller closes the server. */
export async function listenOnLoopback(server: Server, host = '127.0.0.1'): Promise<{ url: string; host: string; port: number }> {
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, host, port };
}

/** Listens on `host` port 0 and closes the server when the test finishes; answers the base URL. */
export async function serveForTest(server: Server, host = '127.0.0.1'): Promise<{ url: string; host: string; port: number }> {
  const listening = await listenOnLoopback(server, host);
  onTestFinished(() => closeServer(server));
  return listening;
}

/** Closes a server and every connection it holds. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}

/** The JSON body of a fetch answer, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}

/** Closers of what a test started, run after it, last first (`afterEach(cleanups.run)`). */
export interface Cleanups {
  /** Awaits `started` and registers its `close`. */
  track<T extends { close(): Promise<void> | void }>(started: Promise<T>): Promise<T>;
  /** Registers any closer. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Runs and forgets every closer, the last registered first. */
  run(): Promise<void>;
}

/** Creates an empty list of closers. */
export function createCleanups(): Cleanups {
  const cleanups: (() => Promise<void> | void)[] = [];
  return {
    async track(started) {
      const server = await started;
      cleanups.push(() => server.close());
      return server;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
    async run() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}

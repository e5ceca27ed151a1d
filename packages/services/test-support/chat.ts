import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ChatServerFrame } from '../src/contract/chat-api.js';
import { asUser, createTestIdentityVerifier } from './kit-identity.js';
import { createTestServiceGuard } from './kit-service-auth.js';
import type { Telemetry } from '../src/kit/telemetry.js';
import { closeServer, listenOnLoopback } from './kit.js';
import { createFakeBus, type FakeBus } from './kit-token-cache.js';
import { createChatApp, type ChatApp, type ChatAppOptions } from '../src/chat/app.js';
import { chatDatabaseFile, openChatStore, type ChatStore } from '../src/chat/store.js';
import { chatSocketPath } from '../src/chat/websocket.js';

/** A test socket whose frames can be awaited by type. */
export interface TestSocket {
  readonly socket: WebSocket;
  /** Every frame received, in order. */
  readonly frames: ChatServerFrame[];
  /** The first frame not yet taken that `matches`, waiting up to 2 s. */
  next<T extends ChatServerFrame['type']>(type: T, matches?: (frame: Extract<ChatServerFrame, { type: T }>) => boolean): Promise<Extract<ChatServerFrame, { type: T }>>;
  send(frame: unknown): void;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a socket to `url` (ws://…/chat/ws) with `headers` (the gateway's identity headers) and waits until it is open. */
export async function openTestSocket(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = new WebSocket(url, { headers });
  const frames: ChatServerFrame[] = [];
  const untaken: ChatServerFrame[] = [];
  const wakers = new Set<() => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ChatServerFrame;
    frames.push(frame);
    untaken.push(frame);
    for (const wake of wakers) wake();
  });
  socket.on('error', () => undefined);
  // Not `once`, which rejects on 'error': a refused handshake would leave that rejection unhandled.
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await once(socket, 'open');
  return {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame)),
    next(type, matches = () => true) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const at = untaken.findIndex((frame) => frame.type === type && matches(frame as never));
          if (at === -1) return false;
          clearTimeout(timer);
          wakers.delete(wake);
          resolve(untaken.splice(at, 1)[0] as never);
          return true;
        };
        const wake = () => void look();
        const timer = setTimeout(() => {
          wakers.delete(wake);
          reject(new Error(`no ${type} frame within 2 s; got ${frames.map((frame) => frame.type).join(', ') || 'none'}`));
        }, 2000);
        if (!look()) wakers.add(wake);
      });
    },
  };
}

/** The status and body of a refused handshake: what the server wrote on the raw socket. */
export async function refusedHandshake(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
  const socket = new WebSocket(url, { headers });
  socket.on('error', () => undefined);
  const [, res] = (await once(socket, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  socket.terminate();
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

/** Two chat instances over one WAL database and one fake bus, as the topology runs them, listening on 127.0.0.1 and 127.0.0.2. */
export interface ChatPair {
  readonly dir: string;
  readonly bus: FakeBus;
  readonly stores: ChatStore[];
  readonly apps: ChatApp[];
  /** `http://host:port` of each instance. */
  readonly bases: string[];
  /** Every socket opened with `connect` (closed by `close`). */
  readonly sockets: TestSocket[];
  /** Opens a socket to instance `instance` (0 or 1) as `userId`, with the gateway's identity assertion. */
  connect(instance: number, userId: string, tokenId?: string, tokenExp?: string): Promise<TestSocket>;
  /** Drains and closes both instances, waits for every socket, removes the directory. */
  close(): Promise<void>;
}

/** Starts a ChatPair; `options` go to both createChatApp calls, `bus` to both instead of a fresh fake one. */
export async function startChatPair(options: Partial<Omit<ChatAppOptions, 'store' | 'telemetry' | 'instanceId'>> & { readonly telemetry: Telemetry }): Promise<ChatPair> {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-chat-'));
  const bus = createFakeBus();
  const stores: ChatStore[] = [];
  const apps: ChatApp[] = [];
  const bases: string[] = [];
  const sockets: TestSocket[] = [];
  for (const [i, host] of ['127.0.0.1', '127.0.0.2'].entries()) {
    const store = openChatStore(join(dir, chatDatabaseFile));
    const app = createChatApp({ bus, serviceAuth: createTestServiceGuard('chat'), identity: createTestIdentityVerifier('chat'), ...options, store, instanceId: `chat#${i + 1}` });
    stores.push(store);
    apps.push(app);
    bases.push((await listenOnLoopback(app.server, host)).url);
  }
  const exp = () => String(Math.floor(Date.now() / 1000) + 900);
  return {
    dir,
    bus,
    stores,
    apps,
    bases,
    sockets,
    async connect(instance, userId, tokenId = `jti-${userId}`, tokenExp = exp()) {
      const socket = await openTestSocket(chatSocketUrl(bases[instance]!), await asUser(userId, 'chat', { tokenJti: tokenId, tokenExp: Number(tokenExp) }));
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const app of apps) {
        app.drain();
        app.close();
      }
      await Promise.all(sockets.map((socket) => socket.closed));
      for (const app of apps) await closeServer(app.server);
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `ws://…/chat/ws` of an instance's `http://host:port`. */
export const chatSocketUrl = (base: string): string => `${base.replace('http:', 'ws:')}${chatSocketPath}`;

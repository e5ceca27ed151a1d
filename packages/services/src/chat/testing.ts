import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { ChatServerFrame } from '../contract/chat-api.js';

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
  const closed = once(socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
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

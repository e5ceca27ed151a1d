import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A WebSocket server on a loopback address that records each handshake and echoes every frame with its instance id. */
export interface WebSocketUpstream {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** The headers of each handshake it accepted, in order. */
  readonly handshakes: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Starts a WebSocketUpstream on `host`, port 0; it answers `{ instance, echo }` to each frame. The caller registers `close`. */
export async function startWebSocketUpstream(id: string, host: string): Promise<WebSocketUpstream> {
  const handshakes: IncomingHttpHeaders[] = [];
  const server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, handleProtocols: (protocols) => (protocols.has('chat.v1') ? 'chat.v1' : false) });
  wss.on('connection', (socket, req: IncomingMessage) => {
    handshakes.push(req.headers);
    socket.on('message', (data) => socket.send(JSON.stringify({ instance: id, echo: String(data) })));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    id,
    host,
    port,
    handshakes,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How a handshake through a proxy ended. */
export type UpgradeResult =
  | { readonly kind: 'open'; readonly socket: WebSocket; readonly protocol: string; readonly headers: IncomingHttpHeaders }
  | { readonly kind: 'refused'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: unknown };

/** Opens a WebSocket to `127.0.0.1:port` + `path`; resolves with the open socket (the caller closes it) or the refusal. */
export function tryUpgrade(port: number, path: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<UpgradeResult> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, options.protocols ?? [], { headers: options.headers ?? {} });
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.once('upgrade', (res: IncomingMessage) => socket.once('open', () => resolve({ kind: 'open', socket, protocol: socket.protocol, headers: res.headers })));
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        socket.terminate();
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ kind: 'refused', status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
  });
}

/** The next frame of `socket`, parsed. */
export async function nextFrame(socket: WebSocket): Promise<unknown> {
  const [data] = await once(socket, 'message');
  return JSON.parse(String(data));
}

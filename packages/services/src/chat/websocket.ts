import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
// `ws`: the maintained, fastest spec-compliant WebSocket server for Node (RFC 6455, autobahn-tested),
// with `maxPayload` so an oversized frame is refused before it is buffered.
import { WebSocket, WebSocketServer } from 'ws';
import { chatCloseCodes, chatLimits } from '../contract/chat-api.js';
import { httpErrors, type ServiceError } from '../kit/errors.js';
import { identityUnverified } from '../kit/http/identity.js';
import { readRequestIdentity, type IdentityVerifier } from '../kit/identity/identity-verifier.js';
import { toServiceError } from '../kit/http/reply.js';
import { sendErrorOnSocket } from '../kit/http/socket-reply.js';
import { startUpgradeSpan, type UpgradeSpan } from '../kit/http/upgrade-span.js';
import { isWebSocketUpgrade } from '../kit/proxy/upgrade-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { chatErrors } from './errors.js';
import type { FrameHandlerDeps } from './frame-handler.js';
import { createFrameHandler } from './frame-handler.js';
import type { SessionEnds } from './session-ends.js';
import type { ChatConnection } from './socket-hub.js';
import type { SocketQuota } from './socket-quota.js';

/** The path of the chat's WebSocket endpoint. */
export const chatSocketPath = '/chat/ws';

/** Options of attachChatSockets. */
export interface ChatSocketsOptions extends FrameHandlerDeps {
  readonly server: Server;
  readonly sessions: Pick<SessionEnds, 'isRevoked' | 'watchExpiry'>;
  /** The per-user socket cap (renewed on every ping round). */
  readonly quota: Pick<SocketQuota, 'maxPerUser' | 'claim' | 'release' | 'renew'>;
  /** Checks the gateway's identity assertion of a handshake: the only way a socket gets a user. */
  readonly identity: IdentityVerifier | undefined;
  /** This instance (`chat#1`), named in `welcome`. */
  readonly instanceId: string;
  /** Largest frame a client may send. @default chatLimits.maxFrameBytes */
  readonly maxFrameBytes?: number;
  /**
   * How often every socket is pinged; one that did not answer the previous ping is dropped. It
   * also keeps a tunnel through nginx open (its `proxy_read_timeout` is the upstream timeout, 5 s). @default 2000
   */
  readonly pingIntervalMs?: number;
}

/** The sockets of an instance. */
export interface ChatSockets {
  /** Closes every socket (1001 when the instance stops). */
  closeAll(code: number, reason: string): void;
  /** Stops pinging and accepting. */
  close(): void;
}

/**
 * Serves `GET /chat/ws` on `server`: checks the handshake — the path, a WebSocket upgrade, the
 * gateway's identity assertion (its user, and the access token it stands for: not revoked, not
 * expired; a bare `x-user-id` counts for nothing), a seat under the user's socket cap (429
 * CHAT_TOO_MANY_SOCKETS) — answering a refusal as an HTTP error on the raw socket, then opens the socket
 * with `welcome { instanceId, userId }` and hands its frames to the frame handler. Each
 * handshake gets a server span (status 101 when accepted).
 */
export function attachChatSockets(options: ChatSocketsOptions): ChatSockets {
  const { server, hub, sessions, quota, telemetry, clock, instanceId } = options;
  const maxFrameBytes = options.maxFrameBytes ?? chatLimits.maxFrameBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, clientTracking: false, perMessageDeflate: false, WebSocket: socketClassFor(maxFrameBytes) });
  const frames = createFrameHandler(options);
  const spans = new WeakMap<IncomingMessage, UpgradeSpan>();
  let nextId = 1;

  const refuse = (socket: Duplex, span: UpgradeSpan, error: ServiceError) => {
    span.attributes.error = error.code;
    sendErrorOnSocket(socket, error);
    span.end(error.status);
  };

  async function handshake(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const span = startUpgradeSpan(req, socket, telemetry, clock);
    try {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      if (path !== chatSocketPath) throw httpErrors.HTTP_NOT_FOUND();
      if (!isWebSocketUpgrade(req)) throw chatErrors.CHAT_HANDSHAKE_INVALID({ message: 'Only a WebSocket upgrade (GET with Upgrade: websocket) is served here.' });
      const identity = await readIdentity(req, options.identity, span);
      if (sessions.isRevoked(identity.tokenId)) throw chatErrors.CHAT_SESSION_ENDED({ message: 'The access token of this connection was revoked.' });
      if (identity.tokenExpiresAt <= clock()) throw chatErrors.CHAT_SESSION_ENDED({ message: 'The access token of this connection has expired.' });
      const id = nextId++;
      if (!quota.claim(identity.userId, id)) throw chatErrors.CHAT_TOO_MANY_SOCKETS({ message: `This user has ${quota.maxPerUser} chat sockets open already.` });
      // ws may drop a handshake without calling back (a malformed one, a client gone): the seat goes with the socket.
      const releaseUnopened = () => quota.release(id);
      socket.once('close', releaseUnopened);
      // A client gone while its identity was checked closed before the listener: give the seat back now.
      if (socket.destroyed) releaseUnopened();
      spans.set(req, span);
      wss.handleUpgrade(req, socket, head, (webSocket) => {
        socket.off('close', releaseUnopened);
        const connection: ChatConnection = { id, socket: webSocket, ...identity, rooms: new Set(), delivered: new Set(), alive: true };
        span.attributes.connection = connection.id;
        span.attributes.userId = connection.userId;
        span.end(101);
        open(connection);
      });
    } catch (error) {
      refuse(socket, span, toServiceError(error));
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void handshake(req, socket, head));

  // ws found the handshake malformed (no Sec-WebSocket-Key, another version): answer it as JSON.
  wss.on('wsClientError', (error, socket, req) => {
    const span = spans.get(req);
    const answer = chatErrors.CHAT_HANDSHAKE_INVALID({ message: `The WebSocket handshake is malformed: ${error.message}.` });
    if (span) refuse(socket, span, answer);
    else sendErrorOnSocket(socket, answer);
  });

  function open(connection: ChatConnection): void {
    const { socket } = connection;
    hub.add(connection);
    const stopWatching = sessions.watchExpiry(connection);
    telemetry.event('chat.connected', { userId: connection.userId, connection: connection.id });
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => frames.handle(connection, data, isBinary));
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') telemetry.event('chat.frame.too-large', { userId: connection.userId, connection: connection.id, limit: maxFrameBytes });
      else telemetry.debug('socket error', { connection: connection.id, code: error.code });
    });
    socket.once('close', (code) => {
      stopWatching();
      frames.forget(connection);
      quota.release(connection.id);
      hub.remove(connection);
      telemetry.event('chat.disconnected', { userId: connection.userId, connection: connection.id, code });
    });
    hub.send(connection, { type: 'welcome', instanceId, userId: connection.userId });
  }

  const pinger = setInterval(() => {
    quota.renew();
    for (const connection of hub.connections()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.pingIntervalMs ?? 2000);
  pinger.unref();

  return {
    closeAll(code, reason) {
      for (const connection of hub.connections()) connection.socket.close(code, reason);
    },
    close() {
      clearInterval(pinger);
      wss.close();
    },
  };
}

/** The user and access token of the gateway's identity assertion; 401 HTTP_IDENTITY_UNVERIFIED without one that verifies. */
async function readIdentity(req: IncomingMessage, verifier: IdentityVerifier | undefined, span: UpgradeSpan): Promise<Pick<ChatConnection, 'userId' | 'tokenId' | 'tokenExpiresAt'>> {
  const identity = await readRequestIdentity(req.headers, verifier);
  if (identity.kind !== 'verified') {
    span.attributes.identity = 'refused';
    throw identityUnverified();
  }
  span.attributes.identity = 'verified';
  const { sub, tokenJti, tokenExp } = identity.claims;
  return { userId: sub, tokenId: tokenJti, tokenExpiresAt: tokenExp * 1000 };
}

/**
 * ws closes an oversized frame's socket with 1009 and no reason; this subclass names the
 * limit in the reason, so the client learns what to change (ws calls `close` on the socket).
 */
function socketClassFor(maxFrameBytes: number): typeof WebSocket {
  const reason = `frame larger than the ${maxFrameBytes}-byte limit`;
  return class LimitNamingSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, code === chatCloseCodes.tooLarge && data === undefined ? reason : data);
    }
  };
}

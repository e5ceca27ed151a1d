import type { Socket } from 'node:net';
import { Agent, buildConnector } from '../http/undici.js';

/** The dispatchers of one proxy; each keeps a pool per upstream origin and drops it once its last connection closes. */
export interface UpstreamAgents {
  /** Keep-alive connections (one request at a time each), for requests that may be sent again. */
  readonly reusable: Agent;
  /** One connection per request, closed after it (`Connection: close`), for those that must not be. */
  readonly fresh: Agent;
  /** Destroys every connection of both. */
  close(): void;
}

// Errors of sockets that had read something before: an earlier answer, as a rule.
const errorsOfUsedSockets = new WeakSet<Error>();

/**
 * Creates the two agents. Kept-alive connections stay as long as the upstream's
 * `Keep-Alive: timeout` allows (less undici's 2 s margin), or 4 s without one; there is no cap
 * on their number, nor on connections per upstream.
 */
export function createUpstreamAgents(): UpstreamAgents {
  const connect = buildConnector({});
  const reusable = new Agent({
    connect: (options, callback) =>
      connect(options, (...args) => {
        const socket = args[1];
        if (socket) markErrorsOfUsedSocket(socket);
        callback(...args);
      }),
  });
  // pipelining 0: no connection serves a second request.
  const fresh = new Agent({ pipelining: 0 });
  return {
    reusable,
    fresh,
    close() {
      void reusable.destroy();
      void fresh.destroy();
    },
  };
}

/**
 * Whether `error`, which ended an attempt before any answer, came from a connection that had
 * served a request before — the kept-alive socket an upstream closed as the request left
 * (Node's `reusedSocket` race). Told by the bytes the socket had read: a fresh connection that
 * dies with half a status line counts too, which costs one needless retry at worst.
 */
export function wentOutOnUsedSocket(error: Error): boolean {
  if (errorsOfUsedSockets.has(error)) return true;
  // A socket that closed without an error fails its request with undici's SocketError('closed'), which carries the figures.
  const socket = (error as { socket?: { bytesRead?: number } | null }).socket;
  return (socket?.bytesRead ?? 0) > 0;
}

// Runs before undici's own listener: a reset (ECONNRESET, EPIPE) carries no socket figures.
function markErrorsOfUsedSocket(socket: Socket): void {
  socket.prependListener('error', (error: Error) => {
    if (socket.bytesRead > 0) errorsOfUsedSockets.add(error);
  });
}

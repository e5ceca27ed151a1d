import type { WebSocket } from 'ws';
import type { ChatMessage, ChatServerFrame } from '../contract/chat-api.js';
import type { Telemetry } from '../kit/telemetry.js';

/** One open socket of this instance and whom it belongs to. */
export interface ChatConnection {
  /** Counts connections of this instance (for events; never a token). */
  readonly id: number;
  readonly socket: WebSocket;
  readonly userId: string;
  /** The jti of the access token the handshake's identity assertion stands for. */
  readonly tokenId: string;
  /** When that token expires, epoch ms. */
  readonly tokenExpiresAt: number;
  readonly rooms: Set<string>;
  /** Message ids this socket has had (delivered or in its `joined` history), oldest first, bounded. */
  readonly delivered: Set<number>;
  /** Answered the last ping. */
  alive: boolean;
}

/** Options of createSocketHub. */
export interface SocketHubOptions {
  /** This instance (`chat#2`): the `via` of what it delivers. */
  readonly instanceId: string;
  readonly telemetry: Telemetry;
  /** Message ids remembered per socket for deduplication. @default 1024 */
  readonly rememberIds?: number;
  /** A socket with more unsent bytes than this is too slow to follow and is dropped. @default 4194304 */
  readonly maxBufferedBytes?: number;
}

/** The sockets of this instance by room, delivering each message at most once per socket. */
export interface SocketHub {
  add(connection: ChatConnection): void;
  /** Forgets a closed socket (and its rooms). */
  remove(connection: ChatConnection): void;
  join(connection: ChatConnection, room: string): void;
  /** False when the socket had not joined the room. */
  leave(connection: ChatConnection, room: string): boolean;
  /** Records ids the socket already has (its `joined` history), so they are never delivered again. */
  markDelivered(connection: ChatConnection, ids: readonly number[]): void;
  /** Sends `message` to each socket in its room that has not had it, as `{ type: 'message', …, via }`; answers how many got it. */
  deliver(message: ChatMessage): number;
  /** The sockets opened with the token whose jti is `tokenId`. */
  byToken(tokenId: string): ChatConnection[];
  /** Every open socket. */
  connections(): IterableIterator<ChatConnection>;
  /** Sends one frame to one socket. */
  send(connection: ChatConnection, frame: ChatServerFrame): void;
  readonly size: number;
}

/** Creates the hub of one chat instance. */
export function createSocketHub(options: SocketHubOptions): SocketHub {
  const { instanceId, telemetry } = options;
  const rememberIds = options.rememberIds ?? 1024;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const all = new Set<ChatConnection>();
  const rooms = new Map<string, Set<ChatConnection>>();
  const tokens = new Map<string, Set<ChatConnection>>();

  const remember = (connection: ChatConnection, id: number) => {
    connection.delivered.add(id);
    // Sets keep insertion order: the first one is the oldest.
    if (connection.delivered.size > rememberIds) connection.delivered.delete(connection.delivered.values().next().value!);
  };

  const write = (connection: ChatConnection, payload: string) => {
    if (connection.socket.readyState !== connection.socket.OPEN) return false;
    if (connection.socket.bufferedAmount > maxBufferedBytes) {
      telemetry.warn('dropped a socket too slow to follow its rooms', { connection: connection.id, userId: connection.userId, bufferedBytes: connection.socket.bufferedAmount });
      connection.socket.terminate();
      return false;
    }
    connection.socket.send(payload);
    return true;
  };

  return {
    add(connection) {
      all.add(connection);
      let set = tokens.get(connection.tokenId);
      if (!set) tokens.set(connection.tokenId, (set = new Set()));
      set.add(connection);
    },
    remove(connection) {
      all.delete(connection);
      for (const room of connection.rooms) rooms.get(room)?.delete(connection);
      for (const room of connection.rooms) if (rooms.get(room)?.size === 0) rooms.delete(room);
      const set = tokens.get(connection.tokenId);
      set?.delete(connection);
      if (set?.size === 0) tokens.delete(connection.tokenId);
    },
    join(connection, room) {
      connection.rooms.add(room);
      let set = rooms.get(room);
      if (!set) rooms.set(room, (set = new Set()));
      set.add(connection);
    },
    leave(connection, room) {
      if (!connection.rooms.delete(room)) return false;
      const set = rooms.get(room);
      set?.delete(connection);
      if (set?.size === 0) rooms.delete(room);
      return true;
    },
    markDelivered(connection, ids) {
      for (const id of ids) remember(connection, id);
    },
    deliver(message) {
      const members = rooms.get(message.room);
      if (!members) return 0;
      let payload: string | undefined;
      let count = 0;
      for (const connection of members) {
        if (connection.delivered.has(message.id)) continue;
        remember(connection, message.id);
        payload ??= JSON.stringify({ type: 'message', id: message.id, room: message.room, from: message.from, text: message.text, time: message.time, via: instanceId } satisfies ChatServerFrame);
        if (write(connection, payload)) count += 1;
      }
      return count;
    },
    byToken: (tokenId) => [...(tokens.get(tokenId) ?? [])],
    connections: () => all.values(),
    send(connection, frame) {
      write(connection, JSON.stringify(frame));
    },
    get size() {
      return all.size;
    },
  };
}

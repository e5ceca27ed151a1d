import { chatLimits, type ChatClientFrame } from '../contract/chat-api.js';
import type { ServiceError } from '../kit/errors.js';
import type { Telemetry } from '../kit/telemetry.js';
import { chatErrors } from './errors.js';
import type { ChatFanout } from './fanout.js';
import { parseClientFrame } from './frames.js';
import type { ChatConnection, SocketHub } from './socket-hub.js';
import type { ChatStore } from './store.js';

/** What the frame handler works with. */
export interface FrameHandlerDeps {
  readonly store: ChatStore;
  readonly hub: SocketHub;
  readonly fanout: Pick<ChatFanout, 'publish'>;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
}

/**
 * Handles each frame of a socket: `join` (answered `joined` with the room's latest history),
 * `leave` (`left`), `send` (stored, delivered to this instance's sockets in the room at once
 * — the sender's too — and published for the other instances). A refused frame is answered
 * with an `error` frame and the socket stays open. Message text is never logged.
 */
export function createFrameHandler(deps: FrameHandlerDeps): (connection: ChatConnection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void {
  const { store, hub, fanout, telemetry, clock } = deps;

  const refuse = (connection: ChatConnection, error: ServiceError, room?: string) =>
    hub.send(connection, { type: 'error', code: error.code, message: error.message, ...(room === undefined ? {} : { room }) });

  function act(connection: ChatConnection, frame: ChatClientFrame): void {
    const { room } = frame;
    if (frame.type === 'leave') {
      hub.leave(connection, room);
      return hub.send(connection, { type: 'left', room });
    }
    if (frame.type === 'join') {
      if (!store.hasRoom(room)) return refuse(connection, chatErrors.CHAT_UNKNOWN_ROOM({ message: `There is no room called ${JSON.stringify(room.slice(0, 40))}.` }), room);
      // Joined and read in one tick: a message stored meanwhile is either in this history or delivered after it, once.
      hub.join(connection, room);
      const history = store.history(room, { limit: chatLimits.historyLimit });
      hub.markDelivered(connection, history.map((message) => message.id));
      return hub.send(connection, { type: 'joined', room, history });
    }
    if (!connection.rooms.has(room)) {
      const error = store.hasRoom(room) ? chatErrors.CHAT_NOT_JOINED() : chatErrors.CHAT_UNKNOWN_ROOM({ message: `There is no room called ${JSON.stringify(room.slice(0, 40))}.` });
      return refuse(connection, error, room);
    }
    const message = store.addMessage(room, connection.userId, frame.text, clock());
    if (!message) return refuse(connection, chatErrors.CHAT_UNKNOWN_ROOM(), room);
    hub.deliver(message);
    void fanout.publish(message);
  }

  return (connection, data, isBinary) => {
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      telemetry.debug('refused a frame', { connection: connection.id, code: parsed.error.code });
      return refuse(connection, parsed.error, parsed.room);
    }
    try {
      act(connection, parsed.frame);
    } catch (error) {
      telemetry.error('a frame failed', { connection: connection.id, type: parsed.frame.type, cause: (error as Error)?.stack });
      refuse(connection, chatErrors.CHAT_DB_UNAVAILABLE({ cause: error }), parsed.frame.room);
    }
  };
}

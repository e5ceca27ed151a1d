import { chatCloseCodes, chatLimits, type ChatClientFrame } from '../contract/chat-api.js';
import type { ServiceError } from '../kit/errors.js';
import type { Telemetry } from '../kit/telemetry.js';
import { chatErrors } from './errors.js';
import type { ChatFanout } from './fanout.js';
import { createFrameLimiter, type FrameLimiter, type FrameLimits } from './frame-limiter.js';
import { createFrameQueue, type FrameQueue } from './frame-queue.js';
import { parseClientFrame } from './frames.js';
import type { ChatConnection, SocketHub } from './socket-hub.js';
import type { ChatStore } from './store.js';

/** The limits the frame handler applies. @default chatLimits */
export type FrameHandlerLimits = FrameLimits & { readonly [K in 'maxQueuedFrames' | 'maxPublishesInFlight']: number };

/** What the frame handler works with. */
export interface FrameHandlerDeps {
  readonly store: ChatStore;
  readonly hub: SocketHub;
  readonly fanout: Pick<ChatFanout, 'publish'>;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
  /** @default chatLimits */
  readonly limits?: FrameHandlerLimits;
}

/** The frames of an instance's sockets. */
export interface FrameHandler {
  /** Handles one frame of `connection`. */
  handle(connection: ChatConnection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void;
  /** Drops what `connection` still had queued (it closed). */
  forget(connection: ChatConnection): void;
}

interface SocketState {
  readonly limiter: FrameLimiter;
  readonly queue: FrameQueue;
}

const unknownRoom = (room: string) => chatErrors.CHAT_UNKNOWN_ROOM({ message: `There is no room called ${JSON.stringify(room.slice(0, 40))}.` });

/**
 * Handles each frame of a socket: first its rate (docs/chat-limits.md: a token bucket per
 * socket; a frame over it is answered CHAT_RATE_LIMITED and dropped, and sustained abuse closes
 * the socket with 1008), then, one at a time in arrival order: `join` (answered `joined` with
 * the room's latest history), `leave` (`left`), `send`. A send is stored, published and awaited
 * on the bus, and only once the bus took it delivered to this instance's sockets in the room —
 * the sender's `message` is its acknowledgement; if the bus refuses or times out the row is
 * removed and the sender gets CHAT_BUS_UNAVAILABLE, so no message the sender was told about
 * misses the other instances. Past `maxPublishesInFlight` awaited publishes per instance or
 * `maxQueuedFrames` per socket the frame is answered CHAT_BUSY: backpressure, never a queue
 * that outgrows the bus. A refused frame is answered with an `error` frame. Message text is never logged.
 */
export function createFrameHandler(deps: FrameHandlerDeps): FrameHandler {
  const { store, hub, fanout, telemetry, clock } = deps;
  const limits = deps.limits ?? chatLimits;
  const sockets = new WeakMap<ChatConnection, SocketState>();
  let inFlight = 0;

  const refuse = (connection: ChatConnection, error: ServiceError, room?: string) =>
    hub.send(connection, { type: 'error', code: error.code, message: error.message, ...(room === undefined ? {} : { room }) });

  function stateOf(connection: ChatConnection): SocketState {
    let state = sockets.get(connection);
    if (!state) sockets.set(connection, (state = { limiter: createFrameLimiter(clock(), limits), queue: createFrameQueue(limits.maxQueuedFrames) }));
    return state;
  }

  function act(connection: ChatConnection, frame: ChatClientFrame): void | Promise<void> {
    const { room } = frame;
    if (frame.type === 'leave') {
      hub.leave(connection, room);
      return hub.send(connection, { type: 'left', room });
    }
    if (frame.type === 'join') {
      if (!store.hasRoom(room)) return refuse(connection, unknownRoom(room), room);
      // Joined and read in one tick: a message stored meanwhile is either in this history or delivered after it, once.
      hub.join(connection, room);
      const history = store.history(room, { limit: chatLimits.historyLimit });
      hub.markDelivered(connection, history.map((message) => message.id));
      return hub.send(connection, { type: 'joined', room, history });
    }
    if (!connection.rooms.has(room)) return refuse(connection, store.hasRoom(room) ? chatErrors.CHAT_NOT_JOINED() : unknownRoom(room), room);
    if (inFlight >= limits.maxPublishesInFlight) return refuse(connection, chatErrors.CHAT_BUSY(), room);
    return send(connection, room, frame.text);
  }

  // Stored first (the id is the database's), then published: the other instances find the row when they deliver; a refused publish takes it back.
  async function send(connection: ChatConnection, room: string, text: string): Promise<void> {
    const message = store.addMessage(room, connection.userId, text, clock());
    if (!message) return refuse(connection, unknownRoom(room), room);
    inFlight += 1;
    try {
      await fanout.publish(message);
    } catch (error) {
      store.deleteMessage(message.id);
      return refuse(connection, chatErrors.CHAT_BUS_UNAVAILABLE({ cause: error }), room);
    } finally {
      inFlight -= 1;
    }
    hub.deliver(message);
  }

  function run(connection: ChatConnection, frame: ChatClientFrame): void | Promise<void> {
    try {
      const done = act(connection, frame);
      return done instanceof Promise ? done.catch((error: unknown) => failed(connection, frame, error)) : done;
    } catch (error) {
      failed(connection, frame, error);
    }
  }

  function failed(connection: ChatConnection, frame: ChatClientFrame, error: unknown): void {
    telemetry.error('a frame failed', { connection: connection.id, type: frame.type, cause: (error as Error)?.stack });
    refuse(connection, chatErrors.CHAT_DB_UNAVAILABLE({ cause: error }), frame.room);
  }

  return {
    handle(connection, data, isBinary) {
      const { limiter, queue } = stateOf(connection);
      // A socket being closed for abuse may still deliver what the client had sent: none of it is handled.
      if (queue.ended) return;
      const verdict = limiter.take(clock());
      if (verdict !== 'allowed') {
        refuse(connection, chatErrors.CHAT_RATE_LIMITED());
        if (verdict === 'limited') return;
        telemetry.event('chat.rate.abusive', { userId: connection.userId, connection: connection.id, refusals: limits.abuseRefusals, windowMs: limits.abuseWindowMs });
        // Closed once the frames it was allowed are answered, so every one of them gets its `message` or `error`.
        return queue.end(() => connection.socket.close(chatCloseCodes.policyViolation, 'message rate exceeded'));
      }
      const parsed = parseClientFrame(data, isBinary);
      if (!parsed.ok) {
        telemetry.debug('refused a frame', { connection: connection.id, code: parsed.error.code });
        return refuse(connection, parsed.error, parsed.room);
      }
      if (!queue.push(() => run(connection, parsed.frame))) refuse(connection, chatErrors.CHAT_BUSY({ message: 'This socket has too many frames waiting; this one was not handled.' }), parsed.frame.room);
    },
    forget(connection) {
      sockets.get(connection)?.queue.clear();
      sockets.delete(connection);
    },
  };
}

/**
 * The chat service's wire contract: rooms over HTTP under `/chat`, real time over one
 * WebSocket at `GET /chat/ws` (through the gateway, which authenticates the handshake).
 *
 * - `GET /chat/rooms` → `{ rooms: ChatRoom[] }`; `POST /chat/rooms { name }` → 201 `{ room }`.
 * - `GET /chat/rooms/:room/messages?before=<id>&limit=<n>` → `ChatHistoryPage` (oldest first).
 * - Frames are JSON text: the client sends `ChatClientFrame`, the server `ChatServerFrame`.
 */

/** A room as the chat lists it. */
export interface ChatRoom {
  readonly name: string;
  /** The user who created it; null for `lobby`, which always exists, and once its creator deleted their account. */
  readonly createdBy: string | null;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** One message of a room, as stored. */
export interface ChatMessage {
  /** Grows with every message of the topology (one database), so it orders a room's history. */
  readonly id: number;
  readonly room: string;
  /** The sender's user id. */
  readonly from: string;
  readonly text: string;
  /** Epoch ms when an instance stored it. */
  readonly time: number;
}

/** One page of a room's history: `messages` oldest first; `nextBefore` asks for the page before it (null: none). */
export interface ChatHistoryPage {
  readonly messages: readonly ChatMessage[];
  readonly nextBefore: number | null;
}

/** What a client sends on the socket. */
export type ChatClientFrame =
  /** Follow a room: the answer is `joined` with its latest history. */
  | { readonly type: 'join'; readonly room: string }
  | { readonly type: 'leave'; readonly room: string }
  /**
   * Say something in a room joined before. Once the bus took it, it is stored and every socket in
   * the room on every instance (this one too: that is the sender's acknowledgement) gets the
   * `message`; otherwise the sender gets an `error` (CHAT_RATE_LIMITED, CHAT_BUSY, CHAT_BUS_UNAVAILABLE) and nothing is stored.
   */
  | { readonly type: 'send'; readonly room: string; readonly text: string };

/** What the server sends on the socket. */
export type ChatServerFrame =
  /** First frame of every connection: which instance holds it, for whom. */
  | { readonly type: 'welcome'; readonly instanceId: string; readonly userId: string }
  | { readonly type: 'joined'; readonly room: string; readonly history: readonly ChatMessage[] }
  | { readonly type: 'left'; readonly room: string }
  /** A message of a joined room; `via` is the instance that delivered it to this socket. Exactly once per socket. */
  | ({ readonly type: 'message'; readonly via: string } & ChatMessage)
  /** A refused frame, not stored nor delivered; the socket stays open (but see `chatLimits.abuseRefusals`). `room` when the frame named one. */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly room?: string };

/** Limits of the socket. */
export const chatLimits = Object.freeze({
  /** Largest frame a client may send (ws `maxPayload`); a larger one closes the socket with 1009. */
  maxFrameBytes: 16 * 1024,
  /** Longest message text, in characters (code points). */
  maxTextChars: 2000,
  /** Messages a `joined` frame carries, and the default page of the history route. */
  historyLimit: 50,
  /** Frames (join, leave, send) a socket may send per second, sustained: the refill of its token bucket. A frame over it is answered CHAT_RATE_LIMITED. */
  framesPerSecond: 20,
  /** Frames a socket may send at once after a quiet spell: the size of its token bucket. */
  frameBurst: 40,
  /** Sustained abuse: this many CHAT_RATE_LIMITED answers within `abuseWindowMs` close the socket with 1008. */
  abuseRefusals: 20,
  /** The window in which refused frames are counted, ms. */
  abuseWindowMs: 10_000,
  /** Open sockets per user across every chat instance (they share the database); the next handshake is answered 429 CHAT_TOO_MANY_SOCKETS. */
  maxSocketsPerUser: 10,
  /** Frames of one socket waiting behind the one being handled (a send waits for the bus); more are answered CHAT_BUSY. */
  maxQueuedFrames: 64,
  /** Bus publishes one instance awaits at once; a send past them is answered CHAT_BUSY (the bus is the bottleneck: refuse, do not queue). */
  maxPublishesInFlight: 128,
});

/** Close codes the chat uses besides the standard ones. */
export const chatCloseCodes = Object.freeze({
  /** The access token the socket was opened with was revoked (logout) or expired, or the user deleted their account: reason `token revoked` / `token expired` / `account deleted`. */
  sessionEnded: 4401,
  /** A frame above `maxFrameBytes` (RFC 6455's "message too big"). */
  tooLarge: 1009,
  /** The instance is stopping. */
  goingAway: 1001,
  /** Sustained abuse of the frame rate (RFC 6455 §7.4.1 "policy violation"): reason `message rate exceeded`. */
  policyViolation: 1008,
});

/** Data of the bus topic `chat.message`: a message stored by `origin`, for the other instances to deliver. */
export interface ChatMessageEvent extends ChatMessage {
  /** The instance that stored it (and delivered it to its own sockets already). */
  readonly origin: string;
}

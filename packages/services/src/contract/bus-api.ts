/**
 * The message bus over HTTP (service `bus`, internal: registered with no gateway route).
 *
 * - `POST /bus/topics/:topic/messages` body `{ data }` → 201 `{ topic, seq }`.
 * - `GET /bus/topics/:topic/messages?after=SEQ&limit=N` → 200 `BusBacklog` (retained messages after SEQ).
 * - `GET /bus/topics/:topic/stream?after=SEQ` → `text/event-stream`: first the retained messages
 *   after SEQ (when given), then every new one, each as SSE event `message` with `id: <seq>` and
 *   data `BusMessage`; a comment `:keep-alive` every 1 s (`TOPOLAB_BUS_KEEP_ALIVE_MS`). A
 *   subscriber that receives no byte for 3 s (the kit client's idle timeout) treats the stream
 *   as broken — that is how a paused bus is noticed — and reconnects with `after=<last seq>`.
 * - `GET /health`.
 *
 * Sequence numbers start at 1 per topic and grow by exactly 1, so a subscriber that sees
 * `seq > last + 1` knows it missed messages and reads the backlog; if the backlog no longer
 * holds them (`oldestSeq > last + 1`) it must resynchronise from its source of truth.
 */
export interface BusMessage<T = unknown> {
  readonly topic: string;
  readonly seq: number;
  /** Epoch ms when the bus accepted it. */
  readonly time: number;
  readonly data: T;
}

/** `GET /bus/topics/:topic/messages` answer. */
export interface BusBacklog<T = unknown> {
  readonly topic: string;
  /**
   * Changes whenever the bus's state starts afresh (an embedded bus: every start), when seqs
   * begin again at 1. A subscriber that sees another epoch than before has lost messages.
   */
  readonly epoch: string;
  /** The newest seq of the topic (0 when none yet). */
  readonly latestSeq: number;
  /** The oldest seq still retained (latestSeq + 1 when none is). */
  readonly oldestSeq: number;
  readonly messages: readonly BusMessage<T>[];
}

/** Topics topolab uses, with their payloads. Payloads never hold a token, only its id (chat messages carry their text: the bus never logs data). */
export const busTopics = Object.freeze({
  /** An access token (and its family) was revoked: logout, refresh-token reuse. */
  tokenRevoked: 'token.revoked',
  /** A user verified their phone number. */
  userVerified: 'user.verified',
  /** A chat message was stored; every chat instance delivers it to its sockets in the room (`ChatMessageEvent`). */
  chatMessage: 'chat.message',
} as const);

/** Data of `token.revoked`: the jti of each revoked access token, whose, and until when it would have been valid. */
export interface TokenRevokedEvent {
  readonly jti: string;
  readonly userId: string;
  /** Epoch seconds (the JWT's exp): after it, the revocation can be forgotten. */
  readonly exp: number;
}

/** Data of `user.verified`. */
export interface UserVerifiedEvent {
  readonly userId: string;
}

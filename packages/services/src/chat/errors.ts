import { chatLimits } from '../contract/chat-api.js';
import { defineErrors } from '../kit/errors.js';

/** Error codes of the chat service: HTTP answers, and the `code` of `error` frames on the socket. */
export const chatErrors = defineErrors({
  CHAT_UNKNOWN_ROOM: { status: 404, message: 'There is no such room.', hint: 'List the rooms with GET /chat/rooms or create one with POST /chat/rooms.' },
  CHAT_ROOM_EXISTS: { status: 409, message: 'A room with this name exists already.', hint: 'Join it, or choose another name.' },
  CHAT_BAD_FRAME: {
    status: 400,
    message: 'The frame is not a chat frame.',
    hint: 'Send JSON text: {"type":"join","room":…}, {"type":"leave","room":…} or {"type":"send","room":…,"text":…}.',
  },
  CHAT_TEXT_INVALID: {
    status: 400,
    message: 'The message text is not allowed.',
    hint: 'Send 1 to 2000 characters of text; control characters other than tab and newline are refused.',
  },
  CHAT_NOT_JOINED: { status: 409, message: 'This socket has not joined the room.', hint: 'Send {"type":"join","room":…} first.' },
  CHAT_UPGRADE_REQUIRED: { status: 426, message: 'This path is a WebSocket endpoint.', hint: 'Open a WebSocket (GET with Upgrade: websocket) through the gateway.' },
  CHAT_HANDSHAKE_INVALID: { status: 400, message: 'The WebSocket handshake is malformed.', hint: 'Send Sec-WebSocket-Key and Sec-WebSocket-Version: 13, as WebSocket clients do.' },
  CHAT_SESSION_ENDED: { status: 401, message: 'The access token of this connection was revoked or has expired.', hint: 'Log in again and reconnect.' },
  CHAT_RATE_LIMITED: {
    status: 429,
    message: 'This socket sends frames faster than the chat allows; the frame was not handled.',
    hint: `Send at most ${chatLimits.framesPerSecond} frames a second (${chatLimits.frameBurst} at once); ${chatLimits.abuseRefusals} refusals within ${chatLimits.abuseWindowMs / 1000} s close the socket with 1008. See docs/chat-limits.md.`,
  },
  CHAT_TOO_MANY_SOCKETS: { status: 429, message: 'This user has as many chat sockets open as allowed.', hint: `Close another of your chat sockets first (at most ${chatLimits.maxSocketsPerUser} per user). See docs/chat-limits.md.` },
  CHAT_BUSY: { status: 503, message: 'The chat is handling as many messages as it can; this one was not sent.', hint: 'Send it again in a moment.' },
  CHAT_BUS_UNAVAILABLE: { status: 503, message: 'The bus did not take the message, so it was not sent.', hint: 'Send it again; if it keeps failing, see the bus and chat instance logs.' },
  CHAT_DB_UNAVAILABLE: { status: 503, message: 'The chat database cannot be read.', hint: 'See the chat instance log.' },
});

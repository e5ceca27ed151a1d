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
  CHAT_DB_UNAVAILABLE: { status: 503, message: 'The chat database cannot be read.', hint: 'See the chat instance log.' },
});

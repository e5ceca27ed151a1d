import { chatLimits } from '../contract/chat-api.js';
import { defineErrors } from '../kit/errors.js';

/** Error codes of the chat service: HTTP answers, and the `code` of `error` frames on the socket. */
export const chatErrors = defineErrors({
  CHAT_UNKNOWN_ROOM: [404, 'There is no such room.', 'List the rooms with GET /chat/rooms or create one with POST /chat/rooms.'],
  CHAT_ROOM_EXISTS: [409, 'A room with this name exists already.', 'Join it, or choose another name.'],
  CHAT_BAD_FRAME: [400, 'The frame is not a chat frame.', 'Send JSON text: {"type":"join","room":…}, {"type":"leave","room":…} or {"type":"send","room":…,"text":…}.'],
  CHAT_TEXT_INVALID: [400, 'The message text is not allowed.', 'Send 1 to 2000 characters of text; control characters other than tab and newline are refused.'],
  CHAT_NOT_JOINED: [409, 'This socket has not joined the room.', 'Send {"type":"join","room":…} first.'],
  CHAT_UPGRADE_REQUIRED: [426, 'This path is a WebSocket endpoint.', 'Open a WebSocket (GET with Upgrade: websocket) through the gateway.'],
  CHAT_HANDSHAKE_INVALID: [400, 'The WebSocket handshake is malformed.', 'Send Sec-WebSocket-Key and Sec-WebSocket-Version: 13, as WebSocket clients do.'],
  CHAT_SESSION_ENDED: [401, 'The access token of this connection was revoked or has expired.', 'Log in again and reconnect.'],
  CHAT_RATE_LIMITED: [429, 'This socket sends frames faster than the chat allows; the frame was not handled.', `Send at most ${chatLimits.framesPerSecond} frames a second (${chatLimits.frameBurst} at once); ${chatLimits.abuseRefusals} refusals within ${chatLimits.abuseWindowMs / 1000} s close the socket with 1008. See docs/chat-limits.md.`],
  CHAT_TOO_MANY_SOCKETS: [429, 'This user has as many chat sockets open as allowed.', `Close another of your chat sockets first (at most ${chatLimits.maxSocketsPerUser} per user). See docs/chat-limits.md.`],
  CHAT_BUSY: [503, 'The chat is handling as many messages as it can; this one was not sent.', 'Send it again in a moment.'],
  CHAT_BUS_UNAVAILABLE: [503, 'The bus did not take the message, so it was not sent.', 'Send it again; if it keeps failing, see the bus and chat instance logs.'],
  CHAT_DB_UNAVAILABLE: [503, 'The chat database cannot be read.', 'See the chat instance log.'],
});

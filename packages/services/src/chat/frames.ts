import { chatLimits, type ChatClientFrame } from '../contract/chat-api.js';
import type { ServiceError } from '../kit/errors.js';
import { chatErrors } from './errors.js';

/** A frame the socket received: a client frame, or why it was refused (and the room it named, if any). */
export type ParsedFrame = { readonly ok: true; readonly frame: ChatClientFrame } | { readonly ok: false; readonly error: ServiceError; readonly room?: string };

/** Room names: lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 40. */
export const roomNamePattern = /^[a-z0-9][a-z0-9_-]{0,39}$/;

// C0 controls but tab and newline, DEL, C1 controls; and the bidirectional overrides and
// isolates, which make a message display in another order than it reads (Trojan Source).
const forbiddenCharacter = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Parses one socket frame: JSON text with a known `type` and its fields (CHAT_BAD_FRAME otherwise), text checked (CHAT_TEXT_INVALID). */
export function parseClientFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ParsedFrame {
  if (isBinary) return refused('Frames are JSON text; a binary frame was received.');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  } catch {
    return refused('The frame is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refused('The frame is not a JSON object.');
  const { type, room, text } = value as Record<string, unknown>;
  if (type !== 'join' && type !== 'leave' && type !== 'send') {
    return refused(typeof type === 'string' ? `Unknown frame type "${type.slice(0, 20)}"; expected join, leave or send.` : 'The frame has no "type"; expected join, leave or send.');
  }
  if (typeof room !== 'string' || room.length === 0) return refused(`A ${type} frame needs "room", a room name.`);
  if (type !== 'send') return { ok: true, frame: { type, room } };
  const problem = textProblem(text);
  if (problem) return { ok: false, error: chatErrors.CHAT_TEXT_INVALID({ message: `The message text is not allowed: ${problem}.` }), room };
  return { ok: true, frame: { type, room, text: text as string } };
}

/** Why `text` cannot be a message (undefined when it can): not a string, blank, too long, control characters, broken UTF-16. */
export function textProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'a send frame needs "text", a string';
  if (text.trim().length === 0) return 'it is empty';
  let characters = 0;
  for (const _ of text) if (++characters > chatLimits.maxTextChars) return `it is longer than ${chatLimits.maxTextChars} characters`;
  if (forbiddenCharacter.test(text)) return 'it holds a control character (only tab and newline are allowed) or a bidirectional override';
  if (loneSurrogate.test(text)) return 'it holds a lone UTF-16 surrogate';
  return undefined;
}

function refused(message: string): ParsedFrame {
  return { ok: false, error: chatErrors.CHAT_BAD_FRAME({ message }) };
}

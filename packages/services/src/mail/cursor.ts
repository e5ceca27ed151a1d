import { createHash } from 'node:crypto';
import { mailErrors } from './errors.js';
import * as z from '../kit/zod.js';

/** Where a listing continues: after this id (mailboxes, date-ordered search) or this score and id (ranked search). */
export type Cursor = { readonly id: number; readonly score?: number };

const cursorShape = z.strictObject({ i: z.number().check(z.int(), z.nonnegative()), s: z.optional(z.number()), k: z.string().check(z.maxLength(16)) });

/** A short fingerprint of what a cursor belongs to (`inbox`, or a search query), so it cannot be replayed elsewhere. */
export function cursorKey(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
}

/** Encodes a cursor as an opaque token (base64url JSON). */
export function encodeCursor(cursor: Cursor, scope: string): string {
  return Buffer.from(JSON.stringify({ i: cursor.id, ...(cursor.score === undefined ? {} : { s: cursor.score }), k: cursorKey(scope) })).toString('base64url');
}

/** Decodes a token from encodeCursor for the same scope; anything else is 400 MAIL_CURSOR_INVALID. */
export function decodeCursor(token: string, scope: string): Cursor {
  let parsed: z.output<typeof cursorShape>;
  try {
    parsed = z.parse(cursorShape, JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw mailErrors.MAIL_CURSOR_INVALID();
  }
  if (parsed.k !== cursorKey(scope)) throw mailErrors.MAIL_CURSOR_INVALID();
  return parsed.s === undefined ? { id: parsed.i } : { id: parsed.i, score: parsed.s };
}

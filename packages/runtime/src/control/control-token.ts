import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A random bearer token: 32 bytes as 64 hex chars. */
export function createControlToken(): string {
  return randomBytes(32).toString('hex');
}

/** Whether an `Authorization` header carries exactly `Bearer <token>`, compared in constant time. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

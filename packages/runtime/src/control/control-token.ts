import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A random bearer token: 32 bytes as 64 hex chars. */
export function createControlToken(): string {
  return randomBytes(32).toString('hex');
}

/** Whether `given` equals `expected`, compared in constant time (for secrets). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether an `Authorization` header carries exactly `Bearer <token>`, compared in constant time. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  return match !== null && secretsEqual(match[1]!.toLowerCase(), token);
}

import { randomBytes, randomInt } from 'node:crypto';

/** The person the demo registers. */
export interface DemoUser {
  readonly username: string;
  readonly password: string;
  /** E.164, in the UK's drama range (+44 7700 900xxx) so it can never be a real phone. */
  readonly phone: string;
  readonly firstName: string;
}

/** A fresh user, so the demo runs again and again on the same data dir. */
export function createDemoUser(): DemoUser {
  const suffix = randomBytes(3).toString('hex');
  return {
    username: `ada-${suffix}`,
    password: `Analytical-${randomBytes(6).toString('base64url')}-1843`,
    phone: `+447700900${String(randomInt(0, 1000)).padStart(3, '0')}`,
    firstName: 'Ada',
  };
}

/** Hides the digits of a one-time code in an SMS text before it is printed. */
export function maskCodes(text: string): string {
  return text.replace(/\b\d{4,8}\b/g, (digits) => '•'.repeat(digits.length));
}

/** The newest 6-digit code in an SMS text, if any. */
export function extractCode(text: string): string | undefined {
  return /\b(\d{6})\b/.exec(text)?.[1];
}

import type { AuthenticatorCode } from '@topolab/runtime/phone';
import type { ChalkInstance } from 'chalk';
import { formatClock } from './format.js';

/**
 * What `topolab authenticator` prints: the code, then whether auth would still take it (a code
 * works once, RFC 6238 §5.2: auth keeps the last accepted step) and when the next one comes.
 * Plain lines; `colors` paints only a terminal without NO_COLOR (output/colors.ts).
 *
 *   123456  ada's authenticator code (step 58213456)
 *     not used yet: one login with it; next code in 12 s
 *   123456  ada's authenticator code (step 58213456)
 *     already used at 14:03:07: auth refuses it now; next code in 12 s
 */
export function authenticatorLines(view: AuthenticatorCode, colors: ChalkInstance): string {
  const next = `next code in ${view.validForS} s`;
  const used = view.lastUsedAt === null ? 'already used' : `already used at ${formatClock(view.lastUsedAt).slice(0, 8)}`;
  const state = view.used ? `${colors.yellow(used)}: auth refuses it now; ${next}` : `not used yet: one login with it; ${next}`;
  return `${colors.bold(view.code)}  ${view.username}'s authenticator code (step ${view.step})\n  ${state}\n`;
}


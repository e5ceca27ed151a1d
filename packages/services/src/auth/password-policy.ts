// Password strength per NIST SP 800-63B-4 §3.1.1.2 ("Password verifiers"): a minimum length, no
// composition rules, every Unicode character allowed, NFKC normalisation, and a refusal of common,
// breached, expected and context-specific passwords. The blocklist is zxcvbn's estimator
// (@zxcvbn-ts): its dictionaries (common and breached passwords, English words and names, keyboard
// patterns) are matched with l33t, reversal, repetition, sequence and date detection, so
// `P@ssw0rd!` is refused like `password1` without listing every variant.
import { createPasswordEstimator } from './password-estimator.js';

/** Fewest code points a password may have, counted after NFKC normalisation (NIST: at least 8). */
export const minPasswordLength = 8;

/**
 * zxcvbn scores 0-4 by the guesses it needs: 3 means at least 10^8. Below that a password falls to an
 * offline attack on a leaked scrypt hash in hours, and every password in its dictionaries scores below
 * it, while a passphrase of three uncommon words (`correct horse battery`) scores 4.
 */
const minScore = 3;

/**
 * Code points the estimator sees. zxcvbn is super-linear in the length: on a 2-core lab machine 256 code
 * points took 0.5-3 s of event loop, 64 take 25-220 ms. 64 is the longest password NIST obliges us to accept, and appending to
 * a password does not make it easier to guess, so longer ones are judged by their first 64.
 */
const estimatedLength = 64;

/** Words of the site itself, refused as NIST's "context-specific words". */
const siteWords = ['topolab', 'mail'];

/** What is known about the account besides its password, so that passwords built on it are refused. */
export interface PasswordContext {
  /** The username the password is for. */
  readonly username: string;
  /** The user's first name, if known. */
  readonly firstName?: string;
  /** The user's phone number in E.164, if known. */
  readonly phone?: string;
}

// One worker per process, started by the first check.
const estimator = createPasswordEstimator();

/**
 * Why `password` may not be used, as one-line messages (never containing the password); empty when it
 * is acceptable. zxcvbn runs in a worker thread (password-estimator.ts), started by the first call.
 */
export async function checkPasswordStrength(password: string, context: PasswordContext): Promise<string[]> {
  const normalized = password.normalize('NFKC');
  const problems: string[] = [];
  if ([...normalized].length < minPasswordLength) problems.push(`This is shorter than ${minPasswordLength} characters.`);
  const { score, warning, suggestions } = await estimator.estimate(estimatedPart(normalized), contextWords(context));
  if (score < minScore) problems.push(warning || 'This is easy to guess.', ...suggestions);
  return [...new Set(problems)];
}

/** Starts the estimator's worker and loads its dictionaries now; resolves when they are ready. */
export function preloadPasswordEstimator(): Promise<void> {
  return estimator.warm();
}

/** The first `estimatedLength` code points (zxcvbn's own cut counts UTF-16 units and may split a pair). */
function estimatedPart(normalized: string): string {
  return Array.from(normalized).slice(0, estimatedLength).join('');
}

/** The account's own words for zxcvbn's user-input dictionary; it lower-cases them itself. */
function contextWords({ username, firstName, phone }: PasswordContext): string[] {
  const words = [...siteWords, username, ...username.split(/[._-]+/)];
  if (firstName) words.push(...firstName.normalize('NFKC').split(/\s+/));
  const digits = phone?.replace(/\D/g, '') ?? '';
  // E.164 country codes are 1-3 digits: also the number as written without each possible one.
  if (digits) words.push(digits, digits.slice(1), digits.slice(2), digits.slice(3));
  return [...new Set(words.filter((word) => word.length >= 3))];
}

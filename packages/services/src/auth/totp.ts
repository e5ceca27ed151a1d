import { generateSecret, generateSync, generateURI, verifySync, type HashAlgorithm } from 'otplib';

/**
 * Authenticator codes: TOTP (RFC 6238) over HOTP (RFC 4226), computed by otplib with its
 * synchronous default crypto plugin (@noble/hashes), so a check fits inside a SQLite transaction.
 * The parameters are the ones every authenticator app understands.
 */
export const totpPolicy = Object.freeze({
  issuer: 'topolab',
  algorithm: 'sha1' satisfies HashAlgorithm,
  digits: 6,
  /** Time step X of RFC 6238 §4.1, seconds (T0 = 0). */
  periodS: 30,
  /** Steps accepted either side of the current one (RFC 6238 §5.2: one step of drift or delay). */
  window: 1,
  /** 160 bits, as RFC 4226 §4 recommends (R6). */
  secretBytes: 20,
  /** How long the code step of a login waits after its password step. */
  challengeTtlMs: 5 * 60_000,
});

/** Hash and length of a code; the defaults are totpPolicy's (the RFC test vectors use others). */
export interface TotpParams {
  readonly algorithm?: HashAlgorithm;
  readonly digits?: number;
}

/** What checking a code against a secret found. */
export type TotpMatch =
  /** The code belongs to `step`, which is within the window and newer than the last accepted one. */
  | { readonly kind: 'accepted'; readonly step: number }
  /** The code is right but its step was already accepted (or an older one was): a replay. */
  | { readonly kind: 'reused' }
  | { readonly kind: 'invalid' };

/** A new secret: `totpPolicy.secretBytes` random bytes, base32 (RFC 4648, no padding). */
export function createTotpSecret(): string {
  return generateSecret({ length: totpPolicy.secretBytes });
}

/**
 * The `otpauth://totp/topolab:<username>?secret=…&issuer=topolab&algorithm=SHA1&digits=6&period=30`
 * URI an authenticator app reads (usually from a QR code). otplib leaves out parameters that
 * equal the defaults; they are appended, since some apps do not assume them.
 */
export function totpUri(username: string, secret: string): string {
  const { issuer, algorithm, digits, periodS } = totpPolicy;
  const uri = generateURI({ issuer, label: username, secret, algorithm, digits, period: periodS });
  const present = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
  const wanted = { algorithm: algorithm.toUpperCase(), digits: String(digits), period: String(periodS) };
  const missing = Object.entries(wanted).filter(([name]) => !present.has(name));
  return uri + missing.map(([name, value]) => `&${name}=${value}`).join('');
}

/** The time step (RFC 6238 §4.2, T) of `nowMs`. */
export function totpStep(nowMs: number): number {
  return Math.floor(epochSeconds(nowMs) / totpPolicy.periodS);
}

/** Seconds until the step of `nowMs` ends. */
export function totpSecondsLeft(nowMs: number): number {
  return totpPolicy.periodS - (epochSeconds(nowMs) % totpPolicy.periodS);
}

/** The code of `secret` (base32, or raw bytes) at `nowMs`. */
export function totpCode(secret: string | Uint8Array, nowMs: number, params: TotpParams = {}): string {
  return generateSync({ secret, epoch: epochSeconds(nowMs), period: totpPolicy.periodS, ...resolve(params) });
}

/**
 * Checks `code` for `secret` at `nowMs`, accepting the steps `window` either side of now, but
 * none at or before `lastStep` (the last step accepted for this secret), so a code works once.
 */
export function matchTotp(secret: string | Uint8Array, code: string, nowMs: number, lastStep: number | null, params: TotpParams = {}): TotpMatch {
  const { periodS, window } = totpPolicy;
  const options = { secret, token: code, epoch: epochSeconds(nowMs), period: periodS, epochTolerance: window * periodS, ...resolve(params) };
  // otplib refuses an afterTimeStep beyond the window (a clock that went back): then nothing is fresh.
  const after = lastStep === null ? undefined : Math.min(lastStep, totpStep(nowMs) + window);
  const fresh = verifySync(after === undefined ? options : { ...options, afterTimeStep: after });
  if (fresh.valid && 'timeStep' in fresh) return { kind: 'accepted', step: fresh.timeStep };
  // Only a right code learns that it was used already.
  if (after !== undefined && verifySync(options).valid) return { kind: 'reused' };
  return { kind: 'invalid' };
}

function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

function resolve(params: TotpParams): { algorithm: HashAlgorithm; digits: number } {
  return { algorithm: params.algorithm ?? totpPolicy.algorithm, digits: params.digits ?? totpPolicy.digits };
}

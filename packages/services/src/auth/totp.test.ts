import { ScureBase32Plugin, stringToBytes } from 'otplib';
import { describe, expect, it } from 'vitest';
import { createTotpSecret, matchTotp, totpCode, totpPolicy, totpSecondsLeft, totpStep, totpUri } from './totp.js';

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's length.
const seeds = {
  sha1: stringToBytes('12345678901234567890'),
  sha256: stringToBytes('12345678901234567890123456789012'),
  sha512: stringToBytes('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

// RFC 6238 Appendix B, Table "Test Vectors": Unix time (s), mode, 8-digit TOTP.
const vectors = [
  [59, 'sha1', '94287082'],
  [59, 'sha256', '46119246'],
  [59, 'sha512', '90693936'],
  [1111111109, 'sha1', '07081804'],
  [1111111109, 'sha256', '68084774'],
  [1111111109, 'sha512', '25091201'],
  [1111111111, 'sha1', '14050471'],
  [1111111111, 'sha256', '67062674'],
  [1111111111, 'sha512', '99943326'],
  [1234567890, 'sha1', '89005924'],
  [1234567890, 'sha256', '91819424'],
  [1234567890, 'sha512', '93441116'],
  [2000000000, 'sha1', '69279037'],
  [2000000000, 'sha256', '90698825'],
  [2000000000, 'sha512', '38618901'],
  [20000000000, 'sha1', '65353130'],
  [20000000000, 'sha256', '77737706'],
  [20000000000, 'sha512', '47863826'],
] as const;

const base32 = new ScureBase32Plugin();
const secret = base32.encode(seeds.sha1);
const at = (seconds: number) => seconds * 1000;

describe('TOTP codes (otplib with auth configuration)', () => {
  it.each(vectors)('RFC 6238 Appendix B: T = %i s, %s → %s', (time, algorithm, expected) => {
    expect(totpCode(seeds[algorithm], at(time), { algorithm, digits: 8 })).toBe(expected);
    expect(matchTotp(seeds[algorithm], expected, at(time), null, { algorithm, digits: 8 })).toMatchObject({ kind: 'accepted' });
  });

  it('RFC 6238 Appendix B: the 6-digit SHA-1 codes of the base32 seed are the vectors truncated (RFC 4226 §5.3)', () => {
    for (const [time, algorithm, expected] of vectors.filter(([, algorithm]) => algorithm === 'sha1')) {
      expect(algorithm).toBe(totpPolicy.algorithm);
      expect(totpCode(secret, at(time))).toBe(expected.slice(-6));
    }
  });

  it('creates 160-bit base32 secrets, each new', () => {
    const one = createTotpSecret();
    expect(one).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32.decode(one)).toHaveLength(20);
    expect(createTotpSecret()).not.toBe(one);
  });

  it('builds the otpauth URI with issuer, label and every parameter', () => {
    expect(totpUri('alice', secret)).toBe(`otpauth://totp/topolab:alice?secret=${secret}&issuer=topolab&algorithm=SHA1&digits=6&period=30`);
  });

  it('counts steps of 30 s from the epoch and the seconds left in one', () => {
    expect(totpStep(at(59))).toBe(1);
    expect(totpStep(at(60))).toBe(2);
    expect(totpSecondsLeft(at(60))).toBe(30);
    expect(totpSecondsLeft(at(89.5))).toBe(1);
  });
});

describe('matchTotp', () => {
  const now = at(1234567890);
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => totpCode(secret, now + offsetSteps * 30_000);

  it.each([-1, 0, 1])('accepts the code of %i step(s) away, naming its step', (offset) => {
    expect(matchTotp(secret, codeAt(offset), now, null)).toEqual({ kind: 'accepted', step: step + offset });
  });

  it.each([-2, 2])('refuses the code of %i steps away', (offset) => {
    expect(matchTotp(secret, codeAt(offset), now, null)).toEqual({ kind: 'invalid' });
  });

  it('refuses a right code of the last accepted step or an older one as reused, a wrong one as invalid', () => {
    expect(matchTotp(secret, codeAt(0), now, step)).toEqual({ kind: 'reused' });
    expect(matchTotp(secret, codeAt(-1), now, step)).toEqual({ kind: 'reused' });
    expect(matchTotp(secret, codeAt(1), now, step)).toEqual({ kind: 'accepted', step: step + 1 });
    const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotp(secret, wrong, now, step)).toEqual({ kind: 'invalid' });
  });

  it('accepts nothing when the last step is ahead of the window (a clock gone back), without throwing', () => {
    expect(matchTotp(secret, codeAt(1), now, step + 5)).toEqual({ kind: 'reused' });
    expect(matchTotp(secret, '000000', now, step + 5).kind).not.toBe('accepted');
  });
});

import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyDummyPassword, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('stores scrypt$N$r$p$salt$hash and verifies only the right password', async () => {
    const stored = await hashPassword('Horse-battery-77');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain('Horse-battery-77');
    await expect(verifyPassword('Horse-battery-77', stored)).resolves.toBe(true);
    await expect(verifyPassword('Horse-battery-78', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same-pass-1', { N: 1024 })).not.toBe(await hashPassword('same-pass-1', { N: 1024 }));
  });

  it('verifies with the cost stored in the hash', async () => {
    const cheap = await hashPassword('Cheap-pass-1', { N: 1024, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifyPassword('Cheap-pass-1', cheap)).resolves.toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of throwing', async () => {
    const good = await hashPassword('Horse-battery-77', { N: 1024 });
    const parts = good.split('$');
    for (const stored of ['', 'plain', 'bcrypt$1$2$3$4$5', ['scrypt', '1073741824', '8', '1', parts[4], parts[5]].join('$'), `${good}x`]) {
      await expect(verifyPassword('Horse-battery-77', stored)).resolves.toBe(false);
    }
  });

  it('checks unknown users against a dummy hash and always says no', async () => {
    await expect(verifyDummyPassword('anything-1')).resolves.toBe(false);
  });
});

describe('password normalisation (NIST SP 800-63B-4 §3.1.1.2: NFKC before hashing)', () => {
  it.each([
    ['a ligature', 'ﬁsh and chips forever', 'fish and chips forever'],
    ['full-width letters', 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ', 'correct horse battery'],
    ['combining accents', 'cafe\u0301 au lait', 'café au lait'],
  ])('verifies a password hashed with %s in its NFKC-equivalent form, and back', async (_, registered, typed) => {
    const stored = await hashPassword(registered, { N: 1024 });
    await expect(verifyPassword(typed, stored)).resolves.toBe(true);
    await expect(verifyPassword(registered, await hashPassword(typed, { N: 1024 }))).resolves.toBe(true);
    await expect(verifyPassword(`${typed}!`, stored)).resolves.toBe(false);
  });

  it('still verifies hashes of the NFC form made before NFKC, and only for their password', async () => {
    const password = 'ﬁsh and chips forever';
    const salt = randomBytes(16);
    const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await expect(verifyPassword(password, stored)).resolves.toBe(true);
    await expect(verifyPassword('ﬁsh and chips forevel', stored)).resolves.toBe(false);
  });
});

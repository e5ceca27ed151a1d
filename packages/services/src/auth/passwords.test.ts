import { describe, expect, it } from 'vitest';
import { checkPasswordStrength } from './password-policy.js';
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

describe('password policy', () => {
  it('accepts a reasonable password', () => {
    expect(checkPasswordStrength('Horse-battery-77', 'alice')).toEqual([]);
  });

  it.each([
    ['short1', 'too-short'],
    ['abcdefghij', 'no-digit'],
    ['1234567890', 'no-letter'],
    ['xxalice123', 'contains-username'],
    ['xxALICE123', 'contains-username'],
    ['Password123', 'common'],
  ])('refuses %s as %s', (password, reason) => {
    expect(checkPasswordStrength(password, 'alice')).toContain(reason);
  });
});

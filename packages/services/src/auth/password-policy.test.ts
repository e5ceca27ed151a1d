// NIST SP 800-63B-4 §3.1.1.2 "Password verifiers": at least 8 characters, at least 64 accepted, no
// composition rules, all of Unicode including spaces, NFKC normalisation, and a blocklist of common,
// breached and context-specific passwords whose refusal says why.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPasswordStrength, preloadPasswordEstimator, type PasswordContext } from './password-policy.js';

const context: PasswordContext = { username: 'alice', firstName: 'Alice', phone: '+447700900123' };
const tooShort = 'This is shorter than 8 characters.';

// The dictionaries take about half a second to load; once, not inside every test's time.
beforeAll(() => preloadPasswordEstimator(), 20_000);

describe('password policy (NIST SP 800-63B-4 §3.1.1.2)', () => {
  it('accepts a passphrase without digits, capitals or symbols: no composition rules', async () => {
    await expect(checkPasswordStrength('correct horse battery', context)).resolves.toEqual([]);
    await expect(checkPasswordStrength('purple monkey dishwasher', context)).resolves.toEqual([]);
  });

  it('accepts passwords of 64 and of 1000 characters (at least 64 must be)', async () => {
    const sixtyFour = 'lanterns drift over the quiet harbour while seven otters juggle!';
    expect([...sixtyFour]).toHaveLength(64);
    await expect(checkPasswordStrength(sixtyFour, context)).resolves.toEqual([]);
    const thousand = 'marmalade cobalt vineyard lighthouse umbrella '.repeat(22).slice(0, 1000);
    expect(thousand).toHaveLength(1000);
    await expect(checkPasswordStrength(thousand, context)).resolves.toEqual([]);
  });

  it.each([
    ['emoji', '🐴🔋📎🦄🌵🎻🧲🪁'],
    ['Cyrillic', 'лошадь батарея скрепка'],
    ['Japanese', 'ひみつのはなぞのへようこそ'],
    ['Greek with spaces', 'κόκκινο άλογο τρέχει'],
  ])('accepts any Unicode, including spaces: %s', async (_, password) => {
    await expect(checkPasswordStrength(password, context)).resolves.toEqual([]);
  });

  it('counts code points, not UTF-16 units: 7 emoji are too short though 14 units long', async () => {
    const sevenEmoji = '🐴🔋📎🦄🌵🎻🧲';
    expect(sevenEmoji.length).toBe(14);
    expect(await checkPasswordStrength(sevenEmoji, context)).toContain(tooShort);
  });

  it('counts after NFKC normalisation: 7 letters with combining accents are 14 code points but too short', async () => {
    const decomposed = 'éàöñüçî'.normalize('NFD');
    expect([...decomposed]).toHaveLength(14);
    expect(await checkPasswordStrength(decomposed, context)).toContain(tooShort);
  });

  it('judges the NFKC form: full-width letters are the same password as ASCII ones', async () => {
    await expect(checkPasswordStrength('ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ', context)).resolves.toEqual([]);
    expect(await checkPasswordStrength('ｐａｓｓｗｏｒｄ１', context)).toContain('This is a commonly used password.');
  });

  it.each([
    ['password1', 'This is a commonly used password.'],
    ['qwerty123', 'This is a commonly used password.'],
    ['iloveyou', 'This is a frequently used password.'],
    ['P@ssw0rd!', 'This is similar to a commonly used password.'],
    ['12345678', 'This is a heavily used password.'],
    ['aaaaaaaaaaaa', 'Repeated characters like "aaa" are easy to guess.'],
    ['abcdefghijk', 'Common character sequences like "abc" are easy to guess.'],
    ['qwertyuiop', 'This is a frequently used password.'],
  ])('refuses the common or breached password %s and says why', async (password, warning) => {
    const problems = await checkPasswordStrength(password, context);
    expect(problems).toContain(warning);
    expect(problems).toContain('Add more words that are less common.');
  });

  const zorblax: PasswordContext = { username: 'zorblax.quimby', firstName: 'Thaddeus' };
  it.each([
    ['the username plus digits', 'alice2024', context],
    ['the username capitalised', 'Alice1990', context],
    ['a part of a dotted username', 'quimby2024', zorblax],
    ['the first name', 'Thaddeus1999', zorblax],
    ['the phone number', '447700900123', context],
    ['the national phone number', '7700900123', context],
    ['the site name', 'topolab2025', context],
    ['the mail service', 'mail1234', context],
  ])('refuses context-specific words: %s', async (_, password, user) => {
    expect(await checkPasswordStrength(password, user)).toContain('There should not be any personal or page related data.');
  });

  it('never repeats the password in its explanations', async () => {
    for (const password of ['password1', 'alice2024', 'qwert', 'aaaaaaaaaaaa', 'bobsmith12']) {
      for (const problem of await checkPasswordStrength(password, context)) expect(problem).not.toContain(password);
    }
  });

  it('judges a long password by its first 64 code points', async () => {
    // zxcvbn is super-linear in the length; 64 is the most NIST obliges us to accept.
    const strongStart = 'lanterns drift over the quiet harbour while seven otters juggle!';
    await expect(checkPasswordStrength(strongStart + 'a'.repeat(900), context)).resolves.toEqual([]);
    expect(await checkPasswordStrength('password'.repeat(8) + strongStart, context)).not.toEqual([]);
  });
});

import type { AuthenticatorCode } from '@topolab/runtime/phone';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authenticatorLines } from './authenticator-lines.js';
import { createColors } from './colors.js';
import { formatClock } from './format.js';

const fresh: AuthenticatorCode = { username: 'ada', code: '123456', step: 58_213_456, validForS: 12, used: false, lastUsedAt: null };
const usedAt = Date.UTC(2026, 11, 7, 14, 3, 7);
const used: AuthenticatorCode = { ...fresh, used: true, lastUsedAt: usedAt };
const terminal = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;
const ansi = /\u001b\[/;

afterEach(() => vi.unstubAllEnvs());

describe('topolab authenticator output', () => {
  it('says the code is unused and when the next one comes, in plain lines off a terminal', () => {
    expect(authenticatorLines(fresh, createColors(pipe))).toBe(
      "123456  ada's authenticator code (step 58213456)\n  not used yet: one login with it; next code in 12 s\n",
    );
  });

  it('says when auth already took the code (RFC 6238 §5.2: one login per code), so the user waits for the next', () => {
    const lines = authenticatorLines(used, createColors(pipe));
    expect(lines).toBe(`123456  ada's authenticator code (step 58213456)\n  already used at ${formatClock(usedAt).slice(0, 8)}: auth refuses it now; next code in 12 s\n`);
    expect(lines).toMatch(/already used at \d\d:\d\d:\d\d:/);
    expect(authenticatorLines({ ...used, lastUsedAt: null }, createColors(pipe))).toContain('  already used: auth refuses it now;');
  });

  it('colours only a terminal, and not under NO_COLOR (no-color.org)', () => {
    vi.stubEnv('NO_COLOR', '');
    expect(authenticatorLines(used, createColors(terminal))).toMatch(ansi);
    vi.stubEnv('NO_COLOR', '1');
    const plain = authenticatorLines(used, createColors(terminal));
    expect(plain).not.toMatch(ansi);
    expect(plain).toBe(authenticatorLines(used, createColors(pipe)));
  });
});

import { describe, expect, it } from 'vitest';
import { ServiceError } from '../kit/errors.js';
import { normalizeTarget } from './normalize-path.js';

function rejection(target: string): string | undefined {
  try {
    normalizeTarget(target);
    return undefined;
  } catch (error) {
    return error instanceof ServiceError ? error.code : 'not a ServiceError';
  }
}

describe('normalizeTarget', () => {
  it('accepts ordinary paths and keeps the query untouched', () => {
    expect(normalizeTarget('/profile/me?x=1&y=%2e')).toEqual({ path: '/profile/me', search: '?x=1&y=%2e', url: '/profile/me?x=1&y=%2e' });
    expect(normalizeTarget('/')).toEqual({ path: '/', search: '', url: '/' });
    expect(normalizeTarget('/mail/file.txt/').path).toBe('/mail/file.txt/');
    expect(normalizeTarget('/a/..b/c..').path).toBe('/a/..b/c..');
  });

  it('decodes needlessly encoded unreserved characters and upper-cases the rest', () => {
    expect(normalizeTarget('/%61uth/x%2ey/%c3%a9?q=%61').url).toBe('/auth/x.y/%C3%A9?q=%61');
    expect(normalizeTarget('/mail/100%2525').path).toBe('/mail/100%2525');
  });

  const bad: Record<string, string> = {
    'dot segment': '/profile/./me',
    'dot-dot segment': '/profile/../auth/introspect',
    'trailing dot-dot': '/profile/..',
    'encoded dot (lower)': '/profile/%2e%2e/auth',
    'encoded dot (upper)': '/profile/%2E%2E/auth',
    'single encoded dot': '/profile/%2e/me',
    'mixed dot': '/profile/.%2e/auth',
    'mixed dot reversed': '/profile/%2E./auth',
    'double-encoded dot': '/profile/%252e%252e/auth',
    'triple-encoded dot': '/profile/%25252e/auth',
    'encoded slash': '/profile%2fme',
    'encoded slash upper': '/profile%2Fme',
    'encoded backslash': '/profile/%5c..',
    'double-encoded slash': '/profile%252fme',
    'raw backslash': '/profile\\..\\auth',
    'encoded NUL': '/profile/me%00',
    'raw control character': '/profile/\x01',
    'malformed percent': '/profile/%zz',
    'truncated percent': '/profile/%2',
    'empty segment': '/profile//me',
    'leading double slash': '//evil.example/x',
    'absolute form': 'http://evil.example/profile',
    'asterisk form': '*',
    'empty target': '',
    fragment: '/profile/me#x',
  };
  for (const [what, target] of Object.entries(bad)) {
    it(`rejects ${what}`, () => {
      expect(rejection(target)).toBe('GATEWAY_PATH_INVALID');
    });
  }
});

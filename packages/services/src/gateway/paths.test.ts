import { describe, expect, it } from 'vitest';
import { buildCatalog, createFixedCatalog, errorCode, rawRequest, startEchoUpstream, startTestGateway, type EchoRecord } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

// Each target goes out byte for byte on a raw socket: HTTP clients would normalise it first.
const badTargets: Record<string, string> = {
  'a dot segment': '/profile/./me',
  'a dot-dot segment': '/profile/../auth/introspect',
  'an encoded dot-dot (lower case)': '/profile/%2e%2e/auth/introspect',
  'an encoded dot-dot (upper case)': '/profile/%2E%2E/auth/introspect',
  'a mixed dot-dot': '/profile/.%2e/auth/introspect',
  'a double-encoded dot-dot': '/profile/%252e%252e/auth/introspect',
  'an encoded slash': '/profile/..%2fauth',
  'an encoded slash alone': '/profile%2fme',
  'an encoded backslash': '/profile/%5c',
  'a raw backslash': '/profile\\..\\auth',
  'an encoded NUL': '/profile/me%00',
  'malformed percent-encoding': '/profile/%e',
  'an empty segment': '/profile//me',
  'absolute form': 'http://127.0.0.1/profile/me',
  'asterisk form': '*',
};

describe('gateway path normalisation on the wire', () => {
  it.each(Object.entries(badTargets))('rejects %s with 400 GATEWAY_PATH_INVALID without contacting upstream', async (_what, target) => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const catalog = createFixedCatalog(
      buildCatalog(
        [
          { prefix: '/', access: 'public', service: 'profile' },
          { prefix: '/auth/introspect', access: 'internal', service: 'profile' },
        ],
        { profile: [profile] },
      ),
    );
    const gw = await closeAfterTest(startTestGateway({ catalog }));
    const answer = await rawRequest(gw.port, `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('GATEWAY_PATH_INVALID');
    expect(profile.requests).toHaveLength(0);
  });

  it('forwards a clean raw path unchanged, and needless encodings decoded', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const catalog = createFixedCatalog(buildCatalog([{ prefix: '/profile', access: 'public', service: 'profile' }], { profile: [profile] }));
    const gw = await closeAfterTest(startTestGateway({ catalog }));
    const plain = await rawRequest(gw.port, 'GET /profile/a.b/c?x=%2e HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect((plain.body as EchoRecord).url).toBe('/profile/a.b/c?x=%2e');
    const encoded = await rawRequest(gw.port, 'GET /%70rofile/%7euser HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(encoded.status).toBe(200);
    expect((encoded.body as EchoRecord).url).toBe('/profile/~user');
  });
});

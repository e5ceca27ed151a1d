import { describe, expect, it } from 'vitest';
import { createSecretRegistry, redactedMark } from './secrets.js';

describe('createSecretRegistry', () => {
  it('redacts remembered secrets, secret fields of bodies and any JWT', () => {
    const secrets = createSecretRegistry();
    secrets.add('Pw-secret-42');
    secrets.add('ab');
    secrets.addFromBody({ username: 'ada', code: '123456', nested: { refreshToken: 'rt-opaque-value' } });
    secrets.addFromBody({ error: { code: 'AUTH_OTP_INVALID', message: 'wrong code' } });
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const text = `ada used Pw-secret-42 and 123456, got ${jwt} and rt-opaque-value; AUTH_OTP_INVALID; ab`;
    expect(secrets.redact(text)).toBe(`ada used ${redactedMark} and ${redactedMark}, got ${redactedMark} and ${redactedMark}; AUTH_OTP_INVALID; ab`);
  });

  it('keeps the name of a token type readable (tokenType: "Bearer" is not a secret)', () => {
    const secrets = createSecretRegistry();
    secrets.addFromBody({ tokenType: 'Bearer', token_type: 'Bearer', refreshToken: 'r-1234567' });
    expect(secrets.redact('WWW-Authenticate: Bearer realm="x"; r-1234567')).toBe(`WWW-Authenticate: Bearer realm="x"; ${redactedMark}`);
  });
});

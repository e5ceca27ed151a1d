import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostOf } from './host-header.js';
import { hstsHeaderValue, isHstsHost, withHsts } from './hsts.js';

describe('isHstsHost (RFC 6797)', () => {
  it('is true for www.topolab.test, whatever the case, port or trailing dot', () => {
    for (const header of ['www.topolab.test', 'WWW.TopoLab.Test:8443', 'www.topolab.test.:443']) expect(isHstsHost(hostOf(header)), header).toBe(true);
  });

  it('is false for localhost (a policy would hold on every port, §8.3), IP literals (§8.1.1), other names and malformed Hosts', () => {
    for (const header of ['localhost', 'localhost:8443', '127.0.0.1:8443', '127.0.2.2', '[::1]:8443', 'evil.example', 'www.topolab.test.evil.example', 'evilwww.topolab.test', 'www.topolab.test@evil.example', 'profile.topolab.test', 'topolab.test', '']) {
      expect(isHstsHost(hostOf(header)), header).toBe(false);
    }
  });
});

describe('withHsts', () => {
  function answer(headers: Record<string, string>, servername?: string): Record<string, unknown> {
    const set: Record<string, unknown> = {};
    const req = { headers, socket: { servername } } as unknown as IncomingMessage;
    const res = { setHeader: (name: string, value: unknown) => (set[name] = value) } as unknown as ServerResponse;
    withHsts((_req, _res) => undefined)(req, res);
    return set;
  }

  it('decides from the Host header, the name the UA records the policy under', () => {
    expect(answer({ host: 'www.topolab.test:8443' }, 'www.topolab.test')).toEqual({ 'strict-transport-security': hstsHeaderValue });
    expect(answer({ host: 'localhost:8443' }, 'www.topolab.test')).toEqual({});
    expect(answer({ host: '127.0.0.1:8443' })).toEqual({});
  });

  it('falls back to the SNI name when a client sends no Host (HTTP/1.0)', () => {
    expect(answer({}, 'www.topolab.test')).toEqual({ 'strict-transport-security': hstsHeaderValue });
    expect(answer({}, 'localhost')).toEqual({});
    expect(answer({})).toEqual({});
  });

  it('sends a short max-age, without includeSubDomains or preload', () => {
    expect(hstsHeaderValue).toBe('max-age=3600');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createRedirectServer, redirectLocation } from './redirect.js';

const known = new Set(['localhost', 'www.topolab.test']);
const at = (host: string | undefined, target = '/a?b=1', httpsPort = 8443) => redirectLocation(host, target, { httpsPort, known, fallbackHost: '127.0.0.1' });

describe('redirectLocation', () => {
  it('keeps a known host and the path and query, on the HTTPS port', () => {
    expect(at('localhost:8080')).toBe('https://localhost:8443/a?b=1');
    expect(at('WWW.TopoLab.test:8080')).toBe('https://www.topolab.test:8443/a?b=1');
    expect(at('127.0.2.2:8080')).toBe('https://127.0.2.2:8443/a?b=1');
    expect(at('[::1]:8080')).toBe('https://[::1]:8443/a?b=1');
  });

  it('never echoes an unknown Host (no open redirect): the listener\'s own address instead', () => {
    expect(at('evil.example')).toBe('https://127.0.0.1:8443/a?b=1');
    expect(at('10.0.0.1:8080')).toBe('https://127.0.0.1:8443/a?b=1');
    expect(at('localhost@evil.example')).toBe('https://127.0.0.1:8443/a?b=1');
    expect(at(undefined)).toBe('https://127.0.0.1:8443/a?b=1');
  });

  it('leaves out :443 and refuses an absolute-form target as a path', () => {
    expect(at('localhost', '/x', 443)).toBe('https://localhost/x');
    expect(at('localhost', 'http://evil.example/x')).toBe('https://localhost:8443/');
  });
});

describe('createRedirectServer', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('answers 308 with a Location and records a server span; an unread upload closes the connection', async () => {
    const recorded = recordTelemetry('gateway');
    const server = createRedirectServer({ httpsPort: () => 9443, knownHosts: ['localhost'], fallbackHost: () => '127.0.0.1', telemetry: recorded.telemetry });
    const { url } = await listenOnLoopback(server);
    close = () => closeServer(server);
    const get = await fetch(`${url}/profile/me`, { redirect: 'manual' });
    expect(get.status).toBe(308);
    expect(get.headers.get('location')).toBe('https://127.0.0.1:9443/profile/me');
    expect(await get.json()).toEqual({ redirect: 'https://127.0.0.1:9443/profile/me' });
    const post = await fetch(`${url}/auth/login`, { method: 'POST', body: '{"username":"a"}', headers: { 'content-type': 'application/json' }, redirect: 'manual' });
    expect(post.status).toBe(308);
    expect(post.headers.get('connection')).toBe('close');
    recorded.telemetry.flush();
    expect(recorded.spans().map((span) => [span.name, span.status, span.attributes?.redirect])).toContainEqual(['GET (redirect to https)', 308, 'https']);
  });
});

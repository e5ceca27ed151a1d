import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCatalog, createFixedCatalog } from '#test-support/gateway.js';
import { createServiceCaller } from '../discovery/service-caller.js';
import { createHttpClient } from '../http/client.js';
import { closeServer, listenOnLoopback } from '#test-support/kit.js';
import { createServiceTokenSource } from '../../contract/service-token-source.js';

describe('a service caller with a token source', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A profile instance that accepts only `accepted` and records the authorization it saw. */
  async function startProfile(accepted: () => string) {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(req.headers.authorization === `Bearer ${accepted()}` ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
    });
    const { port } = await listenOnLoopback(server);
    closers.push(() => closeServer(server));
    const http = createHttpClient({ timeoutMs: 1000 });
    closers.push(() => http.close());
    const catalog = createFixedCatalog(buildCatalog([], { profile: [{ id: 'profile#1', host: '127.0.0.1', port }], sms: [{ id: 'sms#1', host: '127.0.0.1', port }] }));
    return { seen, catalog, http };
  }

  it('sends the cached token of the called service, and none where the client has no grant', async () => {
    const { seen, catalog, http } = await startProfile(() => 'token-1');
    let issued = 0;
    const tokens = createServiceTokenSource({ clientId: 'graphql#1', fetch: async () => ({ accessToken: `token-${++issued}`, expiresIn: 300 }) });
    const caller = createServiceCaller(catalog, http, tokens);
    expect((await caller.call({ service: 'profile', method: 'GET', path: '/profile/internal/x' })).status).toBe(200);
    expect((await caller.call({ service: 'profile', method: 'GET', path: '/profile/internal/x' })).status).toBe(200);
    await caller.call({ service: 'sms', method: 'GET', path: '/sms/messages' });
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-1', undefined]);
    expect(issued).toBe(1);
  });

  it('drops a refused token and retries once with a fresh one (auth changed its key)', async () => {
    let current = 'token-1';
    const { seen, catalog, http } = await startProfile(() => current);
    let issued = 0;
    const tokens = createServiceTokenSource({ clientId: 'graphql#1', fetch: async () => ({ accessToken: `token-${++issued}`, expiresIn: 300 }) });
    const caller = createServiceCaller(catalog, http, tokens);
    await caller.call({ service: 'profile', method: 'GET', path: '/x' });
    current = 'token-2';
    expect((await caller.call({ service: 'profile', method: 'GET', path: '/x' })).status).toBe(200);
    current = 'never';
    // A token still refused after one renewal is the callee's answer: no loop.
    expect((await caller.call({ service: 'profile', method: 'GET', path: '/x' })).status).toBe(401);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2', 'Bearer token-2', 'Bearer token-3']);
  });
});

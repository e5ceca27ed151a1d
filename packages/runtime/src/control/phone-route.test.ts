import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRouter } from '@topolab/services/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { readAuthenticator } from '../phone/read-authenticator.js';
import { readPhone } from '../phone/read-phone.js';
import { ControlReply, controlRoutes, type ControlRequest, type ControlRoute, type ControlTopology } from './control-routes.js';

describe('the phone (SMS inbox and authenticator app) through the control API', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  /**
   * One server playing sms#1 and auth#1: SMS lists messages for +447700900123 and refuses anything
   * else with 400; auth answers ada's authenticator code and 404 for anyone else. It records each
   * request's path and authorization; the token names its audience.
   */
  async function fakeTopology() {
    const seen: { path: string; authorization: string | undefined }[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/sms/messages') {
        if (url.searchParams.get('to') === '+447700900123') answer(200, { messages: [{ id: 1, time: 1, type: 'otp', to: '+447700900123', text: 'hi' }] });
        else answer(400, { error: { code: 'HTTP_VALIDATION_FAILED', message: 'bad' } });
      } else if (url.pathname === '/auth/internal/authenticator/ada') {
        answer(200, { username: 'ada', code: '287082', step: 1 + Number(url.searchParams.get('offset') ?? 0), validForS: 12 });
      } else answer(404, { error: { code: 'AUTH_TOTP_NOT_ENROLLED', message: 'none' } });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const instances = [
      { id: 'sms#1', service: 'sms', state: 'ready', host: '127.0.0.1', port },
      { id: 'auth#1', service: 'auth', state: 'ready', host: '127.0.0.1', port },
    ];
    const topology = { instances: () => instances, serviceToken: async (audience: string) => `token-for-${audience}` } as unknown as ControlTopology;
    return { topology, seen };
  }

  const router = new HttpRouter<ControlRoute>().add(...controlRoutes);
  const ask = async (topology: ControlTopology, path: string, query = '') => {
    const match = router.match('GET', path);
    if (match.kind !== 'found') throw new Error(`no route GET ${path}`);
    const request: ControlRequest = { method: 'GET', path, params: match.params, query: new URLSearchParams(query), body: undefined, topology };
    return await match.route.handle(request);
  };

  it("lists the messages with the runtime's service token", async () => {
    const { topology, seen } = await fakeTopology();
    expect(await ask(topology, `/v1/phone/${encodeURIComponent('+447700900123')}`)).toMatchObject({ messages: [{ id: 1, to: '+447700900123' }] });
    expect(seen.map((request) => request.authorization)).toEqual(['Bearer token-for-sms']);
  });

  it("answers SMS's own refusal as SMS gave it, where readPhone fails with CONTROL_UPSTREAM_FAILED", async () => {
    const { topology } = await fakeTopology();
    const answer = await ask(topology, '/v1/phone/not-a-number');
    expect(answer).toBeInstanceOf(ControlReply);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'HTTP_VALIDATION_FAILED' } } });
    await expect(readPhone(topology, { to: 'not-a-number' })).rejects.toMatchObject({ code: 'CONTROL_UPSTREAM_FAILED' });
  });

  it("reads the authenticator code from auth with a token for auth, passing a clock offset on", async () => {
    const { topology, seen } = await fakeTopology();
    expect(await ask(topology, '/v1/authenticator/ada')).toEqual({ username: 'ada', code: '287082', step: 1, validForS: 12 });
    expect(await ask(topology, '/v1/authenticator/ada', 'offset=-1')).toMatchObject({ step: 0 });
    expect(seen).toEqual([
      { path: '/auth/internal/authenticator/ada', authorization: 'Bearer token-for-auth' },
      { path: '/auth/internal/authenticator/ada?offset=-1', authorization: 'Bearer token-for-auth' },
    ]);
    await expect(ask(topology, '/v1/authenticator/ada', 'offset=3')).rejects.toMatchObject({ code: 'CONTROL_INVALID_REQUEST' });
  });

  it("answers auth's refusal (no authenticator enrolled) as auth gave it, where readAuthenticator fails with CONTROL_UPSTREAM_FAILED", async () => {
    const { topology } = await fakeTopology();
    expect(await ask(topology, '/v1/authenticator/bob')).toMatchObject({ status: 404, body: { error: { code: 'AUTH_TOTP_NOT_ENROLLED' } } });
    await expect(readAuthenticator(topology, 'bob')).rejects.toMatchObject({ code: 'CONTROL_UPSTREAM_FAILED' });
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readPhone } from '../phone/read-phone.js';
import { ControlReply, controlRoutes, matchControlRoute, type ControlRequest, type ControlTopology } from './control-routes.js';

describe('the phone through the control API', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  /** An SMS instance that lists messages for +447700900123, refuses anything else with 400, and records the authorization it saw. */
  async function fakeTopology() {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const ok = new URL(req.url ?? '/', 'http://x').searchParams.get('to') === '+447700900123';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { messages: [{ id: 1, time: 1, type: 'otp', to: '+447700900123', text: 'hi' }] } : { error: { code: 'HTTP_VALIDATION_FAILED', message: 'bad' } }));
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const instances = [
      { id: 'sms#1', service: 'sms', state: 'ready', host: '127.0.0.1', port },
      { id: 'auth#1', service: 'auth', state: 'ready', host: '127.0.0.1', port: 1 },
    ];
    const topology = { instances: () => instances, serviceToken: async () => 'control-token' } as unknown as ControlTopology;
    return { topology, seen };
  }

  const ask = (topology: ControlTopology, number: string) => {
    const match = matchControlRoute(controlRoutes, 'GET', `/v1/phone/${encodeURIComponent(number)}`)!;
    const request: ControlRequest = { method: 'GET', path: '', params: match.params, query: new URLSearchParams(), body: undefined, topology };
    return match.route.handle(request);
  };

  it("lists the messages with the runtime's service token", async () => {
    const { topology, seen } = await fakeTopology();
    expect(await ask(topology, '+447700900123')).toMatchObject({ messages: [{ id: 1, to: '+447700900123' }] });
    expect(seen).toEqual(['Bearer control-token']);
  });

  it("answers SMS's own refusal as SMS gave it, where readPhone fails with CONTROL_UPSTREAM_FAILED", async () => {
    const { topology } = await fakeTopology();
    const answer = await ask(topology, 'not-a-number');
    expect(answer).toBeInstanceOf(ControlReply);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'HTTP_VALIDATION_FAILED' } } });
    await expect(readPhone(topology, { to: 'not-a-number' })).rejects.toMatchObject({ code: 'CONTROL_UPSTREAM_FAILED' });
  });
});

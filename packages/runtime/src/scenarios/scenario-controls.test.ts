import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createScenarioControls, type ScenarioControlsOptions } from './scenario-controls.js';

/** A server on port 0 that records what it was asked and answers `{ ok: true }`. */
async function startRecorder(): Promise<{ port: number; seen: { method: string; url: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  onTestFinished(() => void server.close());
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, seen };
}

function controlsFor(port: number) {
  const instance = { id: 'profile#1', service: 'profile', state: 'ready', host: '127.0.0.1', port } as unknown as InstanceInfo;
  const subjects: unknown[] = [];
  const topology = {
    instances: () => [instance],
    assertIdentity: async (subject: unknown) => {
      subjects.push(subject);
      return 'signed-assertion';
    },
  } as unknown as ScenarioControlsOptions['topology'];
  return { controls: createScenarioControls({ topology, note: () => {} }), subjects };
}

describe('ctx.topology.request', () => {
  it('sends a request straight to the instance, /health by default', async () => {
    const { port, seen } = await startRecorder();
    const { controls } = controlsFor(port);
    const answer = await controls.request('profile#1');
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    expect(seen).toMatchObject([{ method: 'GET', url: '/health' }]);
  });

  it('carries an identity assertion for `asUser`, as a gateway forwards a request of theirs', async () => {
    const { port, seen } = await startRecorder();
    const { controls, subjects } = controlsFor(port);
    await controls.request('profile#1', { path: '/profile/me', asUser: 'user-1' });
    expect(seen[0]).toMatchObject({ url: '/profile/me', headers: { 'x-jwt-assertion': 'signed-assertion' } });
    expect(subjects).toMatchObject([{ sub: 'user-1', audience: 'profile' }]);
  });

  it('refuses an unknown instance with SUPERVISOR_UNKNOWN_INSTANCE', async () => {
    const { controls } = controlsFor(1);
    await expect(controls.request('profile#9')).rejects.toMatchObject({ code: 'SUPERVISOR_UNKNOWN_INSTANCE' });
  });
});

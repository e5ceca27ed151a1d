import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AppliedEvent, DomainEvent } from '@topolab/services/contract';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createControlClient } from './control-client.js';
import type { ControlTopology } from './control-routes.js';
import { startControlServer } from './control-server.js';

type Handler = (req: IncomingMessage, url: URL) => { status: number; body: unknown };

/** A fake instance: an HTTP server on 127.0.0.1:0 answering with `handler`, with the URLs it was asked. */
async function fakeInstance(id: string, handler: Handler, state: InstanceInfo['state'] = 'ready'): Promise<{ info: InstanceInfo; asked: URL[]; close(): Promise<void> }> {
  const asked: URL[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    asked.push(url);
    const { status, body } = handler(req, url);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  onTestFinished(close);
  const { port } = server.address() as AddressInfo;
  const service = id.slice(0, id.indexOf('#'));
  const info = { id, service, index: Number(id.slice(id.indexOf('#') + 1)), host: '127.0.0.1', port, state } as InstanceInfo;
  return { info, asked, close };
}

const t0 = Date.UTC(2030, 0, 1, 12, 3, 4);
const event = (seq: number, type: DomainEvent['type'] = 'user.deleted'): DomainEvent =>
  type === 'user.deleted'
    ? { seq, eventId: `e${seq}`, type, occurredAt: t0 + seq * 1000, publishedAt: t0 + seq * 1000 + 3, data: { userId: `u${seq}`, username: `user${seq}` } }
    : { seq, eventId: `e${seq}`, type, occurredAt: t0 + seq * 1000, data: { userId: `u${seq}`, username: `user${seq}`, firstName: 'Ada' } };
const applied = (seq: number, by: string, lagMs: number): AppliedEvent => ({ seq, eventId: `e${seq}`, type: 'user.deleted', appliedAt: t0 + seq * 1000 + lagMs, appliedBy: by, effect: { profiles: 1 } });

const log = [event(1), event(2, 'user.updated'), event(3)];

/** Auth answering its log page as the real one does, only to the token for `auth`. */
function authHandler(req: IncomingMessage, url: URL): { status: number; body: unknown } {
  if (req.headers.authorization !== 'Bearer token-for-auth') return { status: 401, body: { error: { code: 'HTTP_SERVICE_TOKEN_INVALID', message: 'no' } } };
  const after = Number(url.searchParams.get('after') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  return { status: 200, body: { events: log.filter((e) => e.seq > after).slice(0, limit), latestSeq: log.length } };
}

function consumerHandler(service: string, events: AppliedEvent[], cursor: number): Handler {
  return (req) =>
    req.headers.authorization === `Bearer token-for-${service}`
      ? { status: 200, body: { service, events, cursor } }
      : { status: 403, body: { error: { code: 'HTTP_SERVICE_SCOPE_MISSING', message: 'no' } } };
}

async function startControl(instances: InstanceInfo[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-events-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  const topology = { instances: () => instances, serviceToken: async (audience: string) => `token-for-${audience}` } as unknown as ControlTopology;
  const control = await startControlServer({ topology, dataDir });
  onTestFinished(() => control.close());
  return createControlClient({ dataDir });
}

describe('GET /v1/events', () => {
  it('answers each event with applied (and its lag), pending or unreachable per consumer', async () => {
    const auth = await fakeInstance('auth#1', authHandler);
    const profile = await fakeInstance('profile#1', consumerHandler('profile', [applied(1, 'profile#2', 18), applied(2, 'profile#1', 7)], 2));
    const mail = await fakeInstance('mail#1', consumerHandler('mail', [applied(1, 'mail#1', 25)], 1));
    const sms = await fakeInstance('sms#1', () => ({ status: 200, body: {} }));
    await sms.close();
    const client = await startControl([auth.info, profile.info, mail.info, sms.info]);

    const answer = await client.events();
    expect(answer.latestSeq).toBe(3);
    expect(answer.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(answer.events[0]?.consumers).toEqual({
      profile: { state: 'applied', appliedAt: t0 + 1018, appliedBy: 'profile#2', lagMs: 18, effect: { profiles: 1 } },
      mail: { state: 'applied', appliedAt: t0 + 1025, appliedBy: 'mail#1', lagMs: 25, effect: { profiles: 1 } },
      sms: { state: 'unreachable' },
    });
    expect(answer.events[2]?.consumers).toMatchObject({ profile: { state: 'pending' }, mail: { state: 'pending' }, sms: { state: 'unreachable' } });
    expect(answer.consumers).toEqual([
      { service: 'profile', state: 'reachable', instanceId: 'profile#1', cursor: 2 },
      { service: 'mail', state: 'reachable', instanceId: 'mail#1', cursor: 1 },
      { service: 'sms', state: 'unreachable', reason: 'sms#1: refused' },
    ]);
    expect(profile.asked[0]?.pathname).toBe('/profile/internal/events/applied');
  });

  it('passes after and limit on, filters by type, and asks the next auth instance when one fails', async () => {
    const broken = await fakeInstance('auth#1', () => ({ status: 500, body: { error: { code: 'HTTP_INTERNAL', message: 'boom' } } }));
    const auth = await fakeInstance('auth#2', authHandler);
    const starting = await fakeInstance('profile#1', consumerHandler('profile', [], 0), 'starting');
    const client = await startControl([broken.info, auth.info, starting.info]);

    const page = await client.events({ after: 1, limit: 1 });
    expect(page.events.map((e) => e.seq)).toEqual([2]);
    expect(auth.asked[0]?.searchParams.get('after')).toBe('1');
    expect(page.consumers).toEqual([{ service: 'profile', state: 'unreachable', reason: 'no ready instance' }]);
    expect(page.events[0]?.consumers).toEqual({ profile: { state: 'unreachable' } });

    const deletions = await client.events({ type: 'user.deleted' });
    expect(deletions.events.map((e) => e.seq)).toEqual([1, 3]);
  });

  it('answers 503 CONTROL_EVENTS_UNAVAILABLE without a ready auth, and 502 CONTROL_UPSTREAM_FAILED when none answers', async () => {
    const none = await startControl([]);
    await expect(none.events()).rejects.toMatchObject({ code: 'CONTROL_EVENTS_UNAVAILABLE', exitCode: 3 });
    const refusing = await fakeInstance('auth#1', () => ({ status: 403, body: { error: { code: 'HTTP_SERVICE_SCOPE_MISSING', message: 'no' } } }));
    const client = await startControl([refusing.info]);
    await expect(client.events()).rejects.toMatchObject({ code: 'CONTROL_UPSTREAM_FAILED', message: expect.stringContaining('auth#1: HTTP 403 HTTP_SERVICE_SCOPE_MISSING') });
  });

  it.each(['limit=0', 'limit=1001', 'after=-1', 'after=1.5', 'type=user.created'])('refuses %s with 400 CONTROL_INVALID_REQUEST', async (query) => {
    const auth = await fakeInstance('auth#1', authHandler);
    const client = await startControl([auth.info]);
    await expect(client.request('GET', `/v1/events?${query}`)).rejects.toMatchObject({ code: 'CONTROL_INVALID_REQUEST', exitCode: 2 });
    expect(auth.asked).toEqual([]);
  });
});

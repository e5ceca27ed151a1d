import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Span } from '@topolab/services/contract';
import { createTopologyEventHub } from '../topology/topology-events.js';
import type { InstanceView } from '../topology/topology.js';
import type { TopologyModes } from '../topology/topology-modes.js';
import { createControlClient } from './control-client.js';
import { readControlFile } from './control-file.js';
import type { ControlTopology } from './control-routes.js';
import { startControlServer } from './control-server.js';
import type { DashboardHello, DashboardMessage } from './dashboard-protocol.js';
import { createDashboardSessions } from './dashboard-session.js';
import type { DashboardTopology } from './dashboard-stream.js';

const heartbeat = Date.UTC(2030, 0, 1, 12, 0, 0);
const profile2 = { id: 'profile#2', service: 'profile', kind: 'domain', host: '127.0.5.2', port: 40002, pid: process.pid, state: 'ready', condition: undefined, zombie: false, registers: true, registered: true, lastHeartbeat: heartbeat, requests: 3, errors: 0 } as unknown as InstanceView;

function fakeTopology() {
  const events = createTopologyEventHub();
  let modes: TopologyModes = { discovery: 'client', auth: 'remote' };
  const changes: unknown[] = [];
  const topology = {
    events,
    gatewayUrl: 'http://127.0.0.1:8080',
    timings: { heartbeatMs: 500, missedHeartbeats: 3 },
    instances: () => [profile2],
    modes: () => modes,
    setModes: async (change: Partial<TopologyModes>) => {
      changes.push(change);
      modes = { ...modes, ...change };
      return modes;
    },
  };
  return { topology, events, changes };
}

async function startDashboard(options: { built?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-dashboard-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  let assetsDir: string | undefined;
  if (options.built !== false) {
    assetsDir = join(dataDir, 'web');
    mkdirSync(join(assetsDir, 'assets'), { recursive: true });
    writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/dashboard/assets/app-abc.js"></script>');
    writeFileSync(join(assetsDir, 'assets', 'app-abc.js'), 'console.log(1)');
  }
  const fake = fakeTopology();
  const control = await startControlServer({
    topology: fake.topology as unknown as ControlTopology,
    dataDir,
    dashboard: { topology: fake.topology as unknown as DashboardTopology, assetsDir, describe: (event) => (event.type === 'instance.state' ? `${event.instanceId} ${event.state}` : event.type === 'event' ? `${event.instanceId} ${event.name}` : undefined) },
  });
  onTestFinished(() => control.close());
  return { control, ...fake };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

function fetchRaw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Trades a fresh login link for the session cookie, as a browser does on its first visit. */
async function logIn(link: string): Promise<string> {
  const answer = await fetchRaw(link);
  expect(answer.status).toBe(303);
  expect(answer.headers.location).toBe('/dashboard/');
  const cookie = answer.headers['set-cookie']?.[0] ?? '';
  return cookie.split(';')[0]!;
}

/** Reads Server-Sent Events from `url` until `until` says enough. */
function readStream(url: string, cookie: string, until: (messages: DashboardMessage[]) => boolean, onOpen?: () => void): Promise<DashboardMessage[]> {
  return new Promise((resolve, reject) => {
    const messages: DashboardMessage[] = [];
    const req = request(url, { headers: { cookie } }, (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (name === undefined || data === undefined) continue;
          const message = JSON.parse(data) as DashboardMessage;
          expect(message.type).toBe(name);
          messages.push(message);
          if (messages.length === 1) onOpen?.();
          if (until(messages)) {
            req.destroy();
            resolve(messages);
          }
        }
      });
    });
    req.on('error', (error) => (req.destroyed && messages.length > 0 ? undefined : reject(error)));
    req.end();
  });
}

describe('web dashboard: login links and the session cookie', () => {
  it('serves nothing before a login: the page answers 401 without a secret, the stream CONTROL_UNAUTHORIZED', async () => {
    const { control } = await startDashboard();
    const page = await fetchRaw(`${control.url}/dashboard/`);
    expect(page.status).toBe(401);
    expect(page.text).toContain('topolab dashboard');
    expect(page.headers['set-cookie']).toBeUndefined();
    const stream = await fetchRaw(`${control.url}/v1/stream`);
    expect([stream.status, (JSON.parse(stream.text) as { error: { code: string } }).error.code]).toEqual([401, 'CONTROL_UNAUTHORIZED']);
  });

  it('trades a login link once for an HttpOnly, SameSite=Strict cookie that opens the page and its files (OWASP ASVS 5.0 V3.3)', async () => {
    const { control } = await startDashboard();
    const link = control.dashboardLink()!;
    expect(link).toMatch(new RegExp(`^${control.url}/dashboard/\\?ticket=[A-Za-z0-9_-]{22}$`));
    const first = await fetchRaw(link);
    expect(first.headers['set-cookie']?.[0]).toMatch(/^topolab_dashboard=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect((await fetchRaw(link)).status).toBe(401);
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await fetchRaw(`${control.url}/dashboard/`, { headers: { cookie } });
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await fetchRaw(`${control.url}/dashboard/assets/app-abc.js`, { headers: { cookie } });
    expect([script.status, script.headers['content-type'], script.text]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    expect((await fetchRaw(`${control.url}/dashboard/assets/..%2F..%2Fcontrol.json`, { headers: { cookie } })).status).toBe(404);
    expect((await fetchRaw(`${control.url}/dashboard/assets/app-abc.js`, { headers: { cookie: 'topolab_dashboard=forged' } })).status).toBe(401);
  });

  it('gives a new link to the bearer token (topolab dashboard), and none to a session', async () => {
    const { control } = await startDashboard();
    const cookie = await logIn(control.dashboardLink()!);
    const { token } = readControlFile(control.file.replace(/\/control\.json$/, ''))!;
    const answer = await fetchRaw(`${control.url}/v1/dashboard/link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    await logIn((JSON.parse(answer.text) as { url: string }).url);
    const bySession = await fetchRaw(`${control.url}/v1/dashboard/link`, { method: 'POST', headers: { cookie, origin: control.url } });
    expect(bySession.status).toBe(200);
  });

  it('refuses a change sent with the cookie from another origin (CSRF, OWASP ASVS 5.0 V3.5), and takes it from the page', async () => {
    const { control, changes } = await startDashboard();
    const cookie = await logIn(control.dashboardLink()!);
    const json = { 'content-type': 'application/json', cookie };
    const foreign = await fetchRaw(`${control.url}/v1/modes`, { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body: '{"auth":"local"}' });
    expect([foreign.status, (JSON.parse(foreign.text) as { error: { code: string } }).error.code]).toEqual([403, 'CONTROL_FORBIDDEN_ORIGIN']);
    const none = await fetchRaw(`${control.url}/v1/modes`, { method: 'POST', headers: json, body: '{"auth":"local"}' });
    expect(none.status).toBe(403);
    expect(changes).toEqual([]);
    const own = await fetchRaw(`${control.url}/v1/modes`, { method: 'POST', headers: { ...json, origin: control.url }, body: '{"auth":"local"}' });
    expect(own.status).toBe(200);
    expect(changes).toEqual([{ discovery: undefined, auth: 'local' }]);
    expect((await fetchRaw(`${control.url}/v1/modes`, { headers: { cookie } })).status).toBe(200);
  });

  it('answers 503 CONTROL_DASHBOARD_UNAVAILABLE when packages/web is not built', async () => {
    const { control } = await startDashboard({ built: false });
    const cookie = await logIn(control.dashboardLink()!);
    const page = await fetchRaw(`${control.url}/dashboard/`, { headers: { cookie } });
    expect([page.status, (JSON.parse(page.text) as { error: { code: string } }).error.code]).toEqual([503, 'CONTROL_DASHBOARD_UNAVAILABLE']);
  });

  it('voids a ticket after its time, and each ticket is its own', () => {
    let now = 0;
    const sessions = createDashboardSessions({ ticketTtlMs: 1000, clock: () => now });
    const early = sessions.issueTicket();
    const late = sessions.issueTicket();
    expect(early).not.toBe(late);
    now = 999;
    expect(sessions.redeem(early)).toBe(true);
    expect(sessions.redeem(early)).toBe(false);
    now = 1000;
    expect(sessions.redeem(late)).toBe(false);
    expect(sessions.redeem('')).toBe(false);
  });
});

describe("the control API on the services' HTTP kit (contract/http): methods, bodies and error answers", () => {
  const codeOf = (answer: Answer) => (JSON.parse(answer.text) as { error: { code: string } }).error.code;

  it('answers a wrong method 405 with Allow, a body not JSON 415, a malformed or too large one 400, and HEAD as GET', async () => {
    const { control, changes } = await startDashboard();
    const dataDir = dirname(control.file);
    const bearer = { authorization: `Bearer ${readControlFile(dataDir)!.token}` };
    const post = (headers: Record<string, string>, body: string) => fetchRaw(`${control.url}/v1/modes`, { method: 'POST', headers: { ...bearer, ...headers }, body });

    const wrong = await fetchRaw(`${control.url}/v1/status`, { method: 'DELETE', headers: bearer });
    expect([wrong.status, codeOf(wrong), wrong.headers.allow, wrong.headers['cache-control']]).toEqual([405, 'CONTROL_METHOD_NOT_ALLOWED', 'GET', 'no-store']);
    const put = await fetchRaw(`${control.url}/v1/modes`, { method: 'PUT', headers: bearer });
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, POST']);
    await expect(createControlClient({ dataDir }).request('DELETE', '/v1/modes')).rejects.toMatchObject({ code: 'CONTROL_METHOD_NOT_ALLOWED', exitCode: 2 });

    const text = await post({ 'content-type': 'text/plain' }, '{"auth":"local"}');
    expect([text.status, codeOf(text)]).toEqual([415, 'CONTROL_UNSUPPORTED_MEDIA_TYPE']);
    const malformed = await post({ 'content-type': 'application/json' }, '{"auth":');
    expect([malformed.status, codeOf(malformed)]).toEqual([400, 'CONTROL_INVALID_REQUEST']);
    const large = await post({ 'content-type': 'application/json' }, JSON.stringify({ auth: 'local', padding: 'x'.repeat(70 * 1024) }));
    expect([large.status, codeOf(large), large.headers.connection]).toEqual([400, 'CONTROL_INVALID_REQUEST', 'close']);
    expect(changes).toEqual([]);

    const head = await fetchRaw(`${control.url}/v1/modes`, { method: 'HEAD', headers: bearer });
    expect([head.status, head.headers['content-type'], head.text]).toEqual([200, 'application/json; charset=utf-8', '']);
    const own = await post({ 'content-type': 'application/json; charset=utf-8' }, '{"auth":"local"}');
    expect([own.status, changes]).toEqual([200, [{ discovery: undefined, auth: 'local' }]]);
  });
});

describe('web dashboard: the live stream (Server-Sent Events)', () => {
  const span = (spanId: string): Span => ({ traceId: 'a'.repeat(32), spanId, service: 'gateway', instanceId: 'gateway#1', address: '127.0.0.1:8080', kind: 'server', name: 'GET /profile/me', start: heartbeat, durationMs: 4, status: 200 });

  it('says hello with modes, choices, instances (lease, RSS) and the last spans, then streams spans, modes and log lines', async () => {
    const { control, events } = await startDashboard();
    const cookie = await logIn(control.dashboardLink()!);
    events.emit({ type: 'spans', time: heartbeat, instanceId: 'gateway#1', spans: [span('1'.repeat(16))] } as never);
    const messages = await readStream(
      `${control.url}/v1/stream`,
      cookie,
      (all) => all.some((m) => m.type === 'log' && m.smsTo !== undefined) && all.some((m) => m.type === 'spans'),
      () => {
        events.emit({ type: 'spans', time: heartbeat, instanceId: 'gateway#1', spans: [span('2'.repeat(16))] } as never);
        events.emit({ type: 'topology.modes', time: heartbeat, modes: { discovery: 'server', auth: 'remote' }, previous: { discovery: 'client', auth: 'remote' } });
        events.emit({ type: 'instance.state', time: heartbeat, instanceId: 'profile#2', state: 'exited', previous: 'ready', pid: undefined } as never);
        events.emit({ type: 'event', time: heartbeat, instanceId: 'sms#1', name: 'sms.sent', data: { to: '+447700900123', template: 'otp' } } as never);
      },
    );
    const hello = messages[0] as DashboardHello;
    expect(hello).toMatchObject({ type: 'hello', gatewayUrl: 'http://127.0.0.1:8080', modes: { discovery: 'client', auth: 'remote' }, timings: { heartbeatMs: 500, missedHeartbeats: 3 } });
    expect(hello.choices.auth).toEqual(expect.arrayContaining(['remote', 'local', 'global', 'sidecar']));
    expect(hello.instances[0]).toMatchObject({ id: 'profile#2', registered: true, lastHeartbeat: heartbeat, leaseExpiresAt: heartbeat + 1500 });
    expect(hello.instances[0]?.rssMb).toBeGreaterThan(1);
    expect(hello.spans.map((s) => s.spanId)).toEqual(['1'.repeat(16)]);
    const rest = messages.slice(1);
    expect(rest.find((m) => m.type === 'spans')).toMatchObject({ spans: [{ spanId: '2'.repeat(16) }] });
    expect(rest.find((m) => m.type === 'modes')).toMatchObject({ modes: { discovery: 'server' } });
    expect(rest.filter((m) => m.type === 'log').map((m) => m.type === 'log' && [m.instance, m.text, m.smsTo])).toEqual([
      ['profile#2', 'profile#2 exited', undefined],
      ['sms#1', 'sms#1 sms.sent', '+447700900123'],
    ]);
  });

  it('sends every instance again twice a second', async () => {
    const { control } = await startDashboard();
    const cookie = await logIn(control.dashboardLink()!);
    const messages = await readStream(`${control.url}/v1/stream`, cookie, (all) => all.some((m) => m.type === 'instances'));
    expect(messages.at(-1)).toMatchObject({ type: 'instances', instances: [{ id: 'profile#2', state: 'ready' }] });
  });
});

import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, send, uploadChunked } from '#test-support/gateway.js';
import { closeServer, listenOnLoopback } from '#test-support/kit.js';
import { readBody, readJsonBody, type JsonBodyOptions } from './body.js';
import { sendErrorBody, sendJson } from './reply.js';
import { HttpRouter } from './router.js';

// The one HTTP kit of the services' servers and the control API (issue 26): its router, its
// body reader with pluggable errors, and its JSON and error answers.

describe('HttpRouter', () => {
  const route = (method: string, path: string) => ({ method, path, name: `${method} ${path}` });
  const router = new HttpRouter<ReturnType<typeof route>>().add(
    route('GET', '/v1/things/new'),
    route('GET', '/v1/things/:id'),
    route('POST', '/v1/things'),
    route('GET', '/v1/things'),
    route('POST', '/v1/instances/:id/:action'),
  );

  it('matches whole segments and percent-decodes each parameter', () => {
    expect(router.match('POST', '/v1/instances/profile%231/kill')).toEqual({ kind: 'found', route: route('POST', '/v1/instances/:id/:action'), params: { id: 'profile#1', action: 'kill' } });
    expect(router.match('GET', '/v1/things/%2B44%20a%2Fb')).toMatchObject({ kind: 'found', params: { id: '+44 a/b' } });
    expect(router.match('GET', '/v1/things/a/b')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/v1/thing')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/v1/thingsx')).toEqual({ kind: 'none' });
    // Empty segments do not count: `//v1/things/` is `/v1/things`.
    expect(router.match('GET', '//v1/things/')).toMatchObject({ kind: 'found', route: { path: '/v1/things' } });
  });

  it('lets the first route added win, so an exact route before a pattern keeps its path', () => {
    expect(router.match('GET', '/v1/things/new')).toEqual({ kind: 'found', route: route('GET', '/v1/things/new'), params: {} });
  });

  it('matches nothing with a malformed percent-escape in a parameter', () => {
    expect(router.match('GET', '/v1/things/%E0%A4%A')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/v1/things/%zz')).toEqual({ kind: 'none' });
  });

  it('reports a path served by other methods only as wrong-method, with the methods for Allow', () => {
    expect(router.match('DELETE', '/v1/things')).toEqual({ kind: 'wrong-method', allow: ['POST', 'GET'] });
    expect(router.match('GET', '/v1/instances/a/kill')).toEqual({ kind: 'wrong-method', allow: ['POST'] });
    expect(router.match('DELETE', '/nowhere')).toEqual({ kind: 'none' });
  });

  it('serves HEAD with the GET route, and never with another', () => {
    expect(router.match('HEAD', '/v1/things/7')).toMatchObject({ kind: 'found', route: { method: 'GET' }, params: { id: '7' } });
    expect(router.match('HEAD', '/v1/instances/a/kill')).toEqual({ kind: 'wrong-method', allow: ['POST'] });
  });

  it('lists its routes in the order they were added', () => {
    expect(router.routes().map((r) => r.name)).toEqual(['GET /v1/things/new', 'GET /v1/things/:id', 'POST /v1/things', 'GET /v1/things', 'POST /v1/instances/:id/:action']);
  });
});

/** An error a test server answers with: a status, a code and the answer's headers. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code);
  }
}

const errors: Pick<JsonBodyOptions, 'tooLarge' | 'unsupportedType' | 'malformed'> = {
  tooLarge: (limit) => new Refusal(413, `TOO_LARGE_${limit}`, { connection: 'close' }),
  unsupportedType: () => new Refusal(415, 'UNSUPPORTED'),
  malformed: (cause) => new Refusal(400, cause instanceof SyntaxError ? 'MALFORMED' : 'MALFORMED_WITHOUT_CAUSE'),
};

describe('the body reader and the answers', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await closeServer(server);
  });

  /** A server answering 200 `{ body }` with what `read` returned, or the error answer of its refusal. */
  async function serve(read: (req: IncomingMessage) => Promise<unknown>): Promise<number> {
    const server = createServer((req, res) => {
      read(req).then(
        (body) => sendJson(res, 200, { body }, { 'cache-control': 'no-store' }),
        (error: unknown) => {
          const refusal = error instanceof Refusal ? error : new Refusal(500, 'INTERNAL');
          sendErrorBody(res, refusal.status, { error: { code: refusal.code, message: `refused: ${refusal.code}`, hint: 'a hint' } }, refusal.headers);
        },
      );
    });
    servers.push(server);
    return (await listenOnLoopback(server)).port;
  }
  const json = { 'content-type': 'application/json' };

  it('parses a JSON body (any +json type), and gives undefined for none or an empty one', async () => {
    const port = await serve((req) => readJsonBody(req, { limit: 1024, ...errors }));
    expect((await send(port, '/', { method: 'POST', headers: json, body: '{"a":[1,"é"]}' })).body).toEqual({ body: { a: [1, 'é'] } });
    expect((await send(port, '/', { method: 'POST', headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' }, body: '[2]' })).body).toEqual({ body: [2] });
    expect((await send(port, '/', { method: 'POST' })).body).toEqual({});
    expect((await send(port, '/', { method: 'POST', headers: { ...json, 'content-length': '0' } })).body).toEqual({});
  });

  it('refuses malformed JSON with the malformed error (its cause the SyntaxError), as one error body', async () => {
    const port = await serve((req) => readJsonBody(req, { limit: 1024, ...errors }));
    const answer = await send(port, '/', { method: 'POST', headers: json, body: '{"a":' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'MALFORMED', message: 'refused: MALFORMED', hint: 'a hint' } });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('refuses a body of another type (or none named) with 415 before reading it, and takes a form only when asked', async () => {
    const port = await serve((req) => readJsonBody(req, { limit: 1024, ...errors }));
    const types: Record<string, string>[] = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}];
    for (const headers of types) {
      const answer = await send(port, '/', { method: 'POST', headers, body: '{"a":1}' });
      expect([answer.status, errorCode(answer)]).toEqual([415, 'UNSUPPORTED']);
    }
    const forms = await serve((req) => readJsonBody(req, { limit: 1024, form: true, ...errors }));
    const form = await send(forms, '/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'grant_type=client_credentials&scope=a%20b&scope=c' });
    expect(form.body).toEqual({ body: { grant_type: 'client_credentials', scope: 'a b' } });
    expect((await send(forms, '/', { method: 'POST', headers: json, body: '{"json":true}' })).body).toEqual({ body: { json: true } });
  });

  it('refuses a declared length over the limit at once, with the error answer and Connection: close', async () => {
    const port = await serve((req) => readJsonBody(req, { limit: 16, ...errors }));
    const answer = await send(port, '/', { method: 'POST', headers: json, body: JSON.stringify({ data: 'x'.repeat(40) }) });
    expect([answer.status, errorCode(answer), answer.headers.connection]).toEqual([413, 'TOO_LARGE_16', 'close']);
    expect((await send(port, '/', { method: 'POST', headers: json, body: '{"ok":1}' })).body).toEqual({ body: { ok: 1 } });
  });

  it('refuses a chunked body once it passes the limit, answering it whole before a clean close (never a reset)', async () => {
    const port = await serve((req) => readBody(req, { limit: 100 * 1024, tooLarge: errors.tooLarge }).then((raw) => raw.length));
    const upload = await uploadChunked(port, '/', 1024 * 1024, { chunkBytes: 16 * 1024 });
    expect(upload.error).toBeUndefined();
    expect([upload.response.status, errorCode(upload.response), upload.response.headers.connection]).toEqual([413, 'TOO_LARGE_102400', 'close']);
    expect(upload.serverClosed).toBe(true);
    const within = await uploadChunked(port, '/', 64 * 1024, { chunkBytes: 16 * 1024, close: true });
    expect([within.response.status, within.response.body]).toEqual([200, { body: 64 * 1024 }]);
  });

  it('fails a body whose client goes quiet with the idle error, and lets a slow but live one finish', async () => {
    const idle = { ms: 150, error: () => new Refusal(408, 'IDLE', { connection: 'close' }) };
    const port = await serve((req) => readBody(req, { limit: 1024 * 1024, tooLarge: errors.tooLarge, idle }).then((raw) => raw.length));
    const stalled = await uploadChunked(port, '/', 1024, { chunkBytes: 1024, stall: true });
    expect([stalled.response.status, errorCode(stalled.response)]).toEqual([408, 'IDLE']);
    expect(stalled.serverClosed).toBe(true);
    const slow = await uploadChunked(port, '/', 4 * 1024, { chunkBytes: 1024, paceMs: 50, close: true });
    expect([slow.response.status, slow.response.body]).toEqual([200, { body: 4 * 1024 }]);
  });

  it('writes JSON with its length and the extra headers, an empty answer for undefined, and no body to a HEAD', async () => {
    const server = createServer((req, res) => (req.url === '/empty' ? sendJson(res, 204, undefined) : sendJson(res, 201, { ok: true }, { 'x-extra': 'yes' })));
    servers.push(server);
    const { port } = await listenOnLoopback(server);
    const created = await send(port, '/');
    expect([created.status, created.body, created.headers['x-extra'], created.headers['content-length']]).toEqual([201, { ok: true }, 'yes', '11']);
    const empty = await send(port, '/empty');
    expect([empty.status, empty.headers['content-type']]).toEqual([204, undefined]);
    const head = await send(port, '/', { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body]).toEqual([201, '11', undefined]);
  });
});

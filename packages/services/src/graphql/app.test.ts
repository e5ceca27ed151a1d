import { describe, expect, it } from 'vitest';
import { jsonOf, recordTelemetry, serveForTest } from '#test-support/kit.js';
import { createGraphqlApp, graphqlRouteSpecs } from './app.js';
import { graphqlErrors } from './errors.js';
import { createFakeCaller } from '#test-support/graphql.js';
import { asUser, createTestIdentityVerifier } from '#test-support/kit-identity.js';

async function start() {
  const caller = createFakeCaller();
  const recorded = recordTelemetry('graphql');
  const { server } = createGraphqlApp({ caller, telemetry: recorded.telemetry, identity: createTestIdentityVerifier('graphql') });
  const { url } = await serveForTest(server);
  return { url, caller, recorded };
}

const composed = '{ me { inbox { subject from { username profile { displayName } } } } }';

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await asUser('u-viewer', 'graphql')), ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const read = async (res: Response): Promise<[number, string | null, any]> => [res.status, res.headers.get('content-type'), await jsonOf(res)];

describe('graphql service over HTTP', () => {
  it('registers /graphql as protected with a 16 KiB body limit, and names every code GRAPHQL_*', () => {
    expect(graphqlRouteSpecs).toEqual([{ prefix: '/graphql', access: 'protected', bodyLimit: 16 * 1024 }]);
    for (const code of Object.keys(graphqlErrors.definitions)) expect(code).toMatch(/^GRAPHQL_[A-Z_]+$/);
  });

  it('answers a POST with data as application/json, and puts depth, cost and batches on the request span', async () => {
    const { url, recorded } = await start();
    const [status, type, body] = await read(await post(url, { query: composed }));
    expect([status, type]).toEqual([200, 'application/json; charset=utf-8']);
    expect(body.data.me.inbox[0]).toEqual({ subject: 'from ada #0', from: { username: 'ada', profile: { displayName: 'ada (display)' } } });
    recorded.telemetry.flush();
    const span = recorded.spans().find((one) => one.kind === 'server' && one.name === 'POST /graphql');
    expect(span?.attributes).toMatchObject({ depth: 5, cost: 102, userBatches: 1, userKeys: 3, profileBatches: 1, profileKeys: 3 });
  });

  it('answers GET ?query= and ?variables=, and refuses a mutation over GET with 405', async () => {
    const { url } = await start();
    const query = encodeURIComponent('query ($n: Int) { me { inbox(limit: $n) { id } } }');
    const got = await fetch(`${url}/graphql?query=${query}&variables=${encodeURIComponent('{"n":1}')}`, { headers: await asUser('u-viewer', 'graphql') });
    expect((await read(got))[2]).toEqual({ data: { me: { inbox: [{ id: '40' }] } } });
    const mutation = await fetch(`${url}/graphql?query=${encodeURIComponent('mutation { x }')}`, { headers: await asUser('u-viewer', 'graphql') });
    expect([mutation.status, mutation.headers.get('allow'), (await jsonOf(mutation)).errors[0].extensions.code]).toEqual([405, 'POST', 'GRAPHQL_METHOD_NOT_ALLOWED']);
  });

  it('answers request errors 200 in application/json and 400 in application/graphql-response+json, with extensions.code', async () => {
    const { url, caller } = await start();
    const [legacy, , legacyBody] = await read(await post(url, { query: '{ me { nope } }' }));
    expect([legacy, legacyBody.data, legacyBody.errors[0].extensions.code]).toEqual([200, undefined, 'GRAPHQL_VALIDATION_FAILED']);
    const [status, type, body] = await read(await post(url, { query: '{ me { userId }' }, { accept: 'application/graphql-response+json, application/json;q=0.9' }));
    expect([status, type, body.errors[0].extensions.code]).toEqual([400, 'application/graphql-response+json; charset=utf-8', 'GRAPHQL_PARSE_FAILED']);
    expect(caller.calls).toHaveLength(0);
  });

  it('answers 400 GRAPHQL_REQUEST_INVALID to a body that is no GraphQL request, in either media type', async () => {
    const { url } = await start();
    for (const body of [{}, { query: 42 }, [{ query: '{ me { userId } }' }], { query: '{ me { userId } }', variables: [1] }]) {
      const [status, , answer] = await read(await post(url, body));
      expect([status, answer.errors[0].extensions.code]).toEqual([400, 'GRAPHQL_REQUEST_INVALID']);
    }
  });

  it('caps the body at 16 KiB (413) and needs the gateway’s user (401)', async () => {
    const { url } = await start();
    const big = await post(url, { query: `{ me { userId } } # ${'x'.repeat(17 * 1024)}` });
    expect([big.status, (await jsonOf(big)).error.code]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
    const anonymous = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: composed }) });
    expect([anonymous.status, (await jsonOf(anonymous)).error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
    const bare = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'u-viewer' }, body: JSON.stringify({ query: composed }) });
    expect([bare.status, (await jsonOf(bare)).error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
  });

  it('answers an outage as GRAPHQL_UPSTREAM_UNAVAILABLE on the field (null, the rest kept), the cause only in the log', async () => {
    const { url, caller, recorded } = await start();
    caller.call = async () => {
      throw new Error('socket of 10.9.8.7 exploded');
    };
    const [status, , body] = await read(await post(url, { query: '{ me { userId username } }' }));
    expect([status, body.data, body.errors[0].extensions.code, body.errors[0].path]).toEqual([200, { me: { userId: 'u-viewer', username: null } }, 'GRAPHQL_UPSTREAM_UNAVAILABLE', ['me', 'username']]);
    expect(JSON.stringify(body)).not.toContain('10.9.8.7');
    recorded.telemetry.flush();
    expect(recorded.messages.some((message) => message.type === 'log' && message.record.msg === 'field failed')).toBe(true);
  });

  it('masks anything unexpected (an upstream answer of the wrong shape) as HTTP_INTERNAL', async () => {
    const { url, caller } = await start();
    caller.call = async <T>() => ({ status: 200, headers: {}, body: { users: [null] } as T });
    const [status, , body] = await read(await post(url, { query: '{ me { username } }' }));
    expect([status, body.data, body.errors[0].extensions.code, body.errors[0].message]).toEqual([200, { me: { username: null } }, 'HTTP_INTERNAL', 'Something went wrong inside the service.']);
  });
});

import { describe, expect, it } from 'vitest';
import { ControlApiError, createControlApi, instanceActionPath, phonePath, scalePath, type Fetch } from './api';

interface Call {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** A fetch answering `status` with `body`, recording each call. */
function fakeFetch(status: number, body: unknown): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
  };
}

describe('control API paths', () => {
  it('encodes the instance id, service and number', () => {
    expect(instanceActionPath('profile#2', 'kill')).toBe('/v1/instances/profile%232/kill');
    expect(scalePath('profile')).toBe('/v1/services/profile/scale');
    expect(phonePath('+447700900123', 5)).toBe('/v1/phone/%2B447700900123?limit=5');
  });
});

describe('createControlApi', () => {
  it('POSTs JSON with the session cookie of this origin', async () => {
    const { fetch, calls } = fakeFetch(200, { modes: { discovery: 'server', auth: 'local' }, previous: { discovery: 'client', auth: 'local' } });
    const api = createControlApi(fetch);
    await expect(api.setMode('discovery', 'server')).resolves.toMatchObject({ modes: { discovery: 'server' } });
    expect(calls[0]?.url).toBe('/v1/modes');
    expect(calls[0]?.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"discovery":"server"}' });
    expect(new Headers(calls[0]?.init?.headers).get('content-type')).toBe('application/json');
  });

  it('sends faults and scales to their routes', async () => {
    const { fetch, calls } = fakeFetch(200, {});
    const api = createControlApi(fetch);
    await api.instanceAction('profile#2', 'pause');
    await api.scale('profile', 3);
    expect(calls.map((call) => [call.url, call.init?.body])).toEqual([
      ['/v1/instances/profile%232/pause', '{}'],
      ['/v1/services/profile/scale', '{"replicas":3}'],
    ]);
  });

  it('reads the phone newest first, skipping malformed messages', async () => {
    const { fetch, calls } = fakeFetch(200, { messages: [{ id: 1, time: 1, type: 'otp', to: '+44', text: 'old' }, { id: 2, time: 5, type: 'otp', to: '+44', text: 'new' }, { nope: true }] });
    const messages = await createControlApi(fetch).readPhone('+44', 5);
    expect(messages.map((message) => message.text)).toEqual(['new', 'old']);
    expect(calls[0]?.init?.method).toBe('GET');
  });

  it('turns an error answer into a ControlApiError with code, message and hint', async () => {
    const { fetch } = fakeFetch(409, { error: { code: 'CONTROL_FAULT_REFUSED', message: 'Already paused.', hint: 'Resume it first.' } });
    const error = await createControlApi(fetch).instanceAction('profile#1', 'pause').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ControlApiError);
    expect(error).toMatchObject({ code: 'CONTROL_FAULT_REFUSED', message: 'Already paused.', hint: 'Resume it first.', status: 409 });
  });

  it('names the status when an error answer has no body, and reports a network failure', async () => {
    const { fetch } = fakeFetch(502, undefined);
    await expect(createControlApi(fetch).scale('x', 1)).rejects.toMatchObject({ code: 'HTTP_502' });
    const failing: Fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(createControlApi(failing).scale('x', 1)).rejects.toMatchObject({ code: 'NETWORK_ERROR', message: 'Failed to fetch', status: 0 });
  });
});

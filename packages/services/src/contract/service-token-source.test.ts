import { describe, expect, it } from 'vitest';
import { createServiceTokenSource, type FetchServiceToken } from './service-token-source.js';

function fakeFetch(expiresIn = 300) {
  const asked: string[][] = [];
  let n = 0;
  const fetch: FetchServiceToken = async (scopes) => {
    asked.push([...scopes]);
    return { accessToken: `token-${++n}`, expiresIn };
  };
  return { fetch, asked };
}

describe('service token source', () => {
  it('asks once per audience for every scope granted there, and shares one request between concurrent callers', async () => {
    const { fetch, asked } = fakeFetch();
    const source = createServiceTokenSource({ clientId: 'graphql#1', fetch });
    const [a, b] = await Promise.all([source.token('profile'), source.token('profile')]);
    expect(a).toBe('token-1');
    expect(b).toBe('token-1');
    expect(await source.token('auth')).toBe('token-2');
    expect(asked).toEqual([['profile.read'], ['auth.users.read']]);
  });

  it('keeps a token until a minute before it expires, a short one until half its lifetime', async () => {
    let now = 0;
    const long = fakeFetch(300);
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch: long.fetch, clock: () => now });
    await source.token('auth');
    now = 239_000;
    expect(await source.token('auth')).toBe('token-1');
    now = 240_000;
    expect(await source.token('auth')).toBe('token-2');
    const short = fakeFetch(10);
    const quick = createServiceTokenSource({ clientId: 'mail#1', fetch: short.fetch, clock: () => now });
    await quick.token('auth');
    now += 5_000;
    expect(await quick.token('auth')).toBe('token-2');
  });

  it('has no token for a service it is granted nothing at, and fetches anew after invalidate', async () => {
    const { fetch, asked } = fakeFetch();
    const source = createServiceTokenSource({ clientId: 'gateway#1', fetch });
    expect(await source.token('sms')).toBeUndefined();
    expect(asked).toEqual([]);
    await source.token('auth');
    source.invalidate('auth');
    expect(await source.token('auth')).toBe('token-2');
  });

  it('lets a failed request fail its callers, and tries again on the next call', async () => {
    let fail = true;
    const source = createServiceTokenSource({
      clientId: 'mail#1',
      fetch: async () => {
        if (fail) throw new Error('auth down');
        return { accessToken: 'late', expiresIn: 300 };
      },
    });
    await expect(source.token('auth')).rejects.toThrow('auth down');
    fail = false;
    expect(await source.token('auth')).toBe('late');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createServiceTokenSource, projectedTokensIn, type FetchServiceToken } from '../../contract/service-token-source.js';
import { testDir } from '@topolab/test-support/files';

const start = 1_700_000_000_000;
const startS = start / 1000;

/** A JWT-shaped token expiring at `exp` (the source reads `exp` only, without a signature check). */
const tokenExpiringAt = (exp: number, tag: string) => `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, tag })).toString('base64url')}.sig`;

function fakeFetch() {
  let n = 0;
  const fetch = vi.fn<FetchServiceToken>(async () => ({ accessToken: `fetched-${++n}`, expiresIn: 300 }));
  return fetch;
}

describe('projected platform tokens (TOPOLAB_PLATFORM_TOKENS_DIR)', () => {
  let dir: string;
  beforeEach(() => {
    dir = testDir('projected');
  });

  it('reads <dir>/<audience>.jwt for the registry, the bus and the cache only', () => {
    for (const name of ['registry', 'bus', 'cache', 'auth', 'profile']) writeFileSync(join(dir, `${name}.jwt`), `token-of-${name}\n`);
    writeFileSync(join(dir, 'client-secret.jwt'), 'secret');
    const projected = projectedTokensIn(dir);
    expect(projected.read('registry')).toBe('token-of-registry');
    expect(projected.read('bus')).toBe('token-of-bus');
    expect(projected.read('cache')).toBe('token-of-cache');
    for (const audience of ['auth', 'profile', 'client-secret', '../registry', 'registry.jwt']) expect(projected.read(audience)).toBeUndefined();
  });

  it('answers undefined for a missing or empty file', () => {
    writeFileSync(join(dir, 'bus.jwt'), ' \n');
    const projected = projectedTokensIn(dir);
    expect(projected.read('registry')).toBeUndefined();
    expect(projected.read('bus')).toBeUndefined();
    expect(projectedTokensIn(join(dir, 'missing')).read('cache')).toBeUndefined();
  });

  it('uses a projected token while it has more than 60 s left, without asking auth', async () => {
    const fetch = fakeFetch();
    const projected = tokenExpiringAt(startS + 61, 'projected');
    writeFileSync(join(dir, 'registry.jwt'), projected);
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch, projected: projectedTokensIn(dir), clock: () => start });
    expect(await source.token('registry')).toBe(projected);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('asks auth when the file is missing or the token in it has 60 s or less left', async () => {
    const fetch = fakeFetch();
    writeFileSync(join(dir, 'bus.jwt'), tokenExpiringAt(startS + 60, 'stale'));
    const source = createServiceTokenSource({ clientId: 'chat#1', fetch, projected: projectedTokensIn(dir), clock: () => start });
    expect(await source.token('registry')).toBe('fetched-1');
    expect(await source.token('bus')).toBe('fetched-2');
    expect(fetch.mock.calls.map(([scopes]) => scopes)).toEqual([['registry.register'], ['bus.subscribe', 'bus.publish']]);
  });

  it('asks auth for a file that is not a JWT with an exp', async () => {
    const fetch = fakeFetch();
    writeFileSync(join(dir, 'registry.jwt'), 'not-a-jwt');
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch, projected: projectedTokensIn(dir), clock: () => start });
    expect(await source.token('registry')).toBe('fetched-1');
  });

  it('keeps the projected token until it nears expiry, then reads the file the runtime rewrote', async () => {
    const fetch = fakeFetch();
    let now = start;
    const first = tokenExpiringAt(startS + 300, 'first');
    const file = join(dir, 'registry.jwt');
    writeFileSync(file, first);
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch, projected: projectedTokensIn(dir), clock: () => now });
    expect(await source.token('registry')).toBe(first);
    const second = tokenExpiringAt(startS + 420, 'second');
    writeFileSync(file, second);
    now = start + 239_999;
    expect(await source.token('registry')).toBe(first);
    now = start + 240_000;
    expect(await source.token('registry')).toBe(second);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reads the file again after the registry refused the cached one (invalidate)', async () => {
    const fetch = fakeFetch();
    const file = join(dir, 'registry.jwt');
    writeFileSync(file, tokenExpiringAt(startS + 300, 'first'));
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch, projected: projectedTokensIn(dir), clock: () => start });
    await source.token('registry');
    const rewritten = tokenExpiringAt(startS + 300, 'rewritten');
    writeFileSync(file, rewritten);
    source.invalidate('registry');
    expect(await source.token('registry')).toBe(rewritten);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('does not take a refused projected token again: it asks auth until the runtime wrote another', async () => {
    const fetch = fakeFetch();
    const file = join(dir, 'registry.jwt');
    const refused = tokenExpiringAt(startS + 300, 'refused');
    writeFileSync(file, refused);
    const source = createServiceTokenSource({ clientId: 'mail#1', fetch, projected: projectedTokensIn(dir), clock: () => start });
    expect(await source.token('registry')).toBe(refused);
    source.invalidate('registry');
    const fromAuth = await source.token('registry');
    expect(fromAuth).not.toBe(refused);
    expect(fetch).toHaveBeenCalledTimes(1);
    const rewritten = tokenExpiringAt(startS + 300, 'rewritten');
    writeFileSync(file, rewritten);
    source.invalidate('registry');
    expect(await source.token('registry')).toBe(rewritten);
  });
});

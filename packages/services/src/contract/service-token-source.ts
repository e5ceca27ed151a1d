import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readClaimsUnverified } from './jwt-claims.js';
import { grantedScopes, platformAudiences, serviceTokenPath, serviceTokenRefreshBeforeS } from './service-auth.js';
import type { TraceContext } from './trace.js';

/** What auth's token endpoint answered (RFC 6749 §5.1). */
export interface ServiceTokenGrant {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
}

/** Asks auth for a token with `scopes` (one audience); rejects when it cannot. */
export type FetchServiceToken = (scopes: readonly string[], trace?: TraceContext) => Promise<ServiceTokenGrant>;

/** Bearer tokens for this instance's calls to other services. */
export interface ServiceTokenSource {
  /** The client id (`mail#1`). */
  readonly clientId: string;
  /**
   * A token for calls to `audience` with every scope this client is granted there, cached until
   * `serviceTokenRefreshBeforeS` before it expires; undefined when the client has no grant for
   * it (the call goes without one, and a guarded route refuses it). Concurrent callers share one fetch.
   */
  token(audience: string, trace?: TraceContext): Promise<string | undefined>;
  /** Drops the cached token of `audience` (it was refused: auth's key changed, or it expired early); a refused projected token is not taken again. */
  invalidate(audience: string): void;
}

/**
 * Tokens the platform keeps fresh for this instance (the runtime's `TOPOLAB_PLATFORM_TOKENS_DIR`,
 * like a Kubernetes projected service-account token): read when the cached one nears expiry.
 */
export interface ProjectedTokens {
  /** The token for `audience` as it is now; undefined when there is none. */
  read(audience: string): string | undefined;
}

/** The projected tokens in `dir`: `<audience>.jwt`, for the platform's audiences only. */
export function projectedTokensIn(dir: string): ProjectedTokens {
  const audiences = new Set<string>(platformAudiences);
  return {
    read(audience) {
      if (!audiences.has(audience)) return undefined;
      try {
        return readFileSync(join(dir, `${audience}.jwt`), 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** An instance's token for one service, for a client that sends its requests itself (a lease, a stream). */
export interface ServiceCredentials {
  /** The token to send; undefined when this instance has none for that service. */
  token(): Promise<string | undefined>;
  /** The service answered 401 to it: the next `token()` gets a fresh one. */
  refused(): void;
}

/** `tokens`' token for `audience`, as a lease or a bus stream sends it. */
export function credentialsOf(tokens: ServiceTokenSource, audience: string): ServiceCredentials {
  return { token: () => tokens.token(audience), refused: () => tokens.invalidate(audience) };
}

/** Options of createServiceTokenSource. */
export interface ServiceTokenSourceOptions {
  readonly clientId: string;
  readonly fetch: FetchServiceToken;
  /** Tokens handed over by the platform, used before asking auth. @default none */
  readonly projected?: ProjectedTokens;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

interface Cached {
  readonly token: string;
  /** Epoch ms after which it is fetched again. */
  readonly renewAt: number;
}

/** Creates a per-audience cache of client-credentials tokens. */
export function createServiceTokenSource(options: ServiceTokenSourceOptions): ServiceTokenSource {
  const { clientId } = options;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<string>>();

  async function fetchFor(audience: string, scopes: readonly string[], trace?: TraceContext): Promise<string> {
    const grant = await options.fetch(scopes, trace);
    // Renew `serviceTokenRefreshBeforeS` ahead of expiry; a short token at half its lifetime.
    const ttlMs = grant.expiresIn * 1000;
    const renewAt = clock() + Math.max(ttlMs / 2, ttlMs - serviceTokenRefreshBeforeS * 1000);
    cache.set(audience, { token: grant.accessToken, renewAt });
    return grant.accessToken;
  }

  // Projected tokens a service answered 401 to: passed over until the file holds another one.
  const refusedProjected = new Map<string, string>();

  // A projected token is taken while it has more than the refresh margin left (the runtime rewrites it long before).
  function fromProjected(audience: string): string | undefined {
    const token = options.projected?.read(audience);
    const exp = token === undefined ? undefined : expiryOf(token);
    if (token === undefined || exp === undefined || refusedProjected.get(audience) === token) return undefined;
    const renewAt = exp * 1000 - serviceTokenRefreshBeforeS * 1000;
    if (renewAt <= clock()) return undefined;
    cache.set(audience, { token, renewAt });
    return token;
  }

  return {
    clientId,
    async token(audience, trace) {
      const cached = cache.get(audience);
      if (cached && clock() < cached.renewAt) return cached.token;
      const projected = fromProjected(audience);
      if (projected !== undefined) return projected;
      const scopes = grantedScopes(clientId, audience);
      if (scopes.length === 0) return undefined;
      let request = pending.get(audience);
      if (!request) {
        request = fetchFor(audience, scopes, trace).finally(() => pending.delete(audience));
        pending.set(audience, request);
      }
      return request;
    },
    invalidate(audience) {
      const cached = cache.get(audience);
      if (cached && options.projected?.read(audience) === cached.token) refusedProjected.set(audience, cached.token);
      cache.delete(audience);
    },
  };
}

/** The `exp` (epoch seconds) of a JWT this instance was handed, read without a signature check (it only decides when to read the file again). */
function expiryOf(token: string): number | undefined {
  const exp = readClaimsUnverified(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
}

/** The form body of a client-credentials token request for `scopes` (RFC 6749 §4.4.2). */
export function tokenRequestForm(scopes: readonly string[]): Record<string, string> {
  return { grant_type: 'client_credentials', scope: scopes.join(' ') };
}

/** The grant in a token endpoint's answer (RFC 6749 §5.1); undefined when it is a refusal or malformed. */
export function grantOf(status: number, body: unknown): ServiceTokenGrant | undefined {
  const { access_token: accessToken, expires_in: expiresIn } = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
  return status === 200 && typeof accessToken === 'string' && typeof expiresIn === 'number' ? { accessToken, expiresIn } : undefined;
}

/** The HTTP Basic credentials of a client (RFC 6749 §2.3.1: id and secret form-encoded first). */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export { serviceTokenPath };

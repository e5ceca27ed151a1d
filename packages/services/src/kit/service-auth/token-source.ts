import { grantedScopes, serviceTokenPath, serviceTokenRefreshBeforeS } from '../../contract/service-auth.js';
import type { TraceContext } from '../trace.js';

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
  /** Drops the cached token of `audience` (it was refused: auth's key changed, or it expired early). */
  invalidate(audience: string): void;
}

/** Options of createServiceTokenSource. */
export interface ServiceTokenSourceOptions {
  readonly clientId: string;
  readonly fetch: FetchServiceToken;
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

  return {
    clientId,
    async token(audience, trace) {
      const cached = cache.get(audience);
      if (cached && clock() < cached.renewAt) return cached.token;
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
      cache.delete(audience);
    },
  };
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

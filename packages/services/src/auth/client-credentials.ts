import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { clientSecretFor, grantedScopes, scopeAudience, serviceScopes, serviceTokenPath, serviceTokenTtlS } from '../contract/service-auth.js';
import { defineErrors, type ServiceError } from '../kit/errors.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { reply } from '../kit/http/reply.js';
import { rememberVerdicts, serviceClaimsOf, type ServiceGuard } from '../kit/service-auth/guard.js';
import type { FetchServiceToken } from '../contract/service-token-source.js';
import type { Telemetry } from '../kit/telemetry.js';
import * as z from '../kit/zod.js';
import type { AccessTokens } from './tokens.js';

/**
 * The token endpoint's refusals (RFC 6749 §5.2). The answer's body is the RFC's
 * `{ error, error_description }`, with `error_code` set to the code below.
 */
export const clientCredentialsErrors = defineErrors({
  AUTH_CLIENT_INVALID: [401, 'Client authentication failed.', 'Send the instance id and secret the runtime gave it, with HTTP Basic.'],
  AUTH_GRANT_UNSUPPORTED: [400, 'Only the client_credentials grant is supported here.', 'Send grant_type=client_credentials.'],
  AUTH_SCOPE_INVALID: [400, 'The scope is unknown, spans several services, or is not granted to this client.', 'Ask for scopes of one service that contract/service-auth.ts grants this client.'],
  AUTH_TOKEN_REQUEST_INVALID: [400, 'The token request is malformed.', 'Send a form body with grant_type and scope, and the client in HTTP Basic.'],
});

/** Each code's RFC 6749 §5.2 `error`. */
const oauthError: Record<keyof typeof clientCredentialsErrors.definitions, string> = {
  AUTH_CLIENT_INVALID: 'invalid_client',
  AUTH_GRANT_UNSUPPORTED: 'unsupported_grant_type',
  AUTH_SCOPE_INVALID: 'invalid_scope',
  AUTH_TOKEN_REQUEST_INVALID: 'invalid_request',
};

const tokenBody = z.looseObject({ grant_type: z.optional(z.string().check(z.maxLength(64))), scope: z.optional(z.string().check(z.maxLength(512))) });
const knownScopes = new Set<string>(Object.values(serviceScopes).flat());

/** Options of createClientCredentials. */
export interface ClientCredentialsOptions {
  readonly tokens: AccessTokens;
  /** The topology's client key (TOPOLAB_CLIENT_KEY); without it every client is refused. */
  readonly clientKey: string | undefined;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
}

/** The client id and secret of an HTTP Basic header (RFC 6749 §2.3.1: each form-encoded first). */
function basicClient(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  try {
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * `POST /auth/oauth/token`: the client-credentials grant (RFC 6749 §4.4). Checks the client's
 * secret against the topology's client key in constant time, checks each scope is granted to
 * the client's service and all belong to one audience, and answers §5.1's token response.
 */
export function createClientCredentials(options: ClientCredentialsOptions) {
  const { tokens, clientKey, telemetry, clock } = options;

  function refuse(code: keyof typeof clientCredentialsErrors.definitions, attributes: Record<string, string | number | boolean>, message?: string) {
    const error: ServiceError = clientCredentialsErrors[code](message ? { message } : {});
    attributes.error = code;
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (code === 'AUTH_CLIENT_INVALID') headers['www-authenticate'] = 'Basic realm="topolab-auth", charset="UTF-8"';
    return reply(error.status, { error: oauthError[code], error_description: error.message, error_code: code, hint: error.hint }, headers);
  }

  /** Signs a token for `clientId` with `scopes` (already checked): also how auth gets its own. */
  async function issue(clientId: string, scopes: readonly string[]) {
    const iat = Math.floor(clock() / 1000);
    const audience = scopeAudience(scopes[0]!);
    const accessToken = await tokens.signService({ clientId, audience, scopes, jti: randomUUID(), iat, exp: iat + serviceTokenTtlS });
    telemetry.event('auth.service_token.issued', { clientId, audience, scope: scopes.join(' ') });
    return { accessToken, expiresIn: serviceTokenTtlS, audience };
  }

  const route: Route = defineRoute({
    method: 'POST',
    path: serviceTokenPath,
    form: true,
    credentials: 'client',
    body: tokenBody,
    async handler({ req, body, attributes }) {
      const client = basicClient(req);
      if (!client || !clientKey) return refuse('AUTH_CLIENT_INVALID', attributes);
      const expected = Buffer.from(clientSecretFor(clientKey, client.id));
      const given = Buffer.from(client.secret);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return refuse('AUTH_CLIENT_INVALID', attributes);
      attributes.client = client.id;
      if (body.grant_type === undefined) return refuse('AUTH_TOKEN_REQUEST_INVALID', attributes, 'The token request names no grant_type.');
      if (body.grant_type !== 'client_credentials') return refuse('AUTH_GRANT_UNSUPPORTED', attributes);
      const scopes = [...new Set((body.scope ?? '').split(' ').filter(Boolean))];
      const audiences = new Set(scopes.map(scopeAudience));
      if (scopes.length === 0 || audiences.size !== 1 || scopes.some((scope) => !knownScopes.has(scope))) return refuse('AUTH_SCOPE_INVALID', attributes);
      const granted = grantedScopes(client.id, [...audiences][0]!);
      if (scopes.some((scope) => !granted.includes(scope as never))) return refuse('AUTH_SCOPE_INVALID', attributes, `The scope ${scopes.join(' ')} is not granted to ${client.id}.`);
      const { accessToken, expiresIn, audience } = await issue(client.id, scopes);
      attributes.audience = audience;
      return reply(200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') }, { 'cache-control': 'no-store', pragma: 'no-cache' });
    },
  });

  /** auth's own tokens (to call sms): signed in-process, no round trip to itself. */
  const fetchOwn = (clientId: string): FetchServiceToken => (scopes) => issue(clientId, scopes);

  /** auth's guard: service tokens for `auth`, checked against its own key. */
  const guard: ServiceGuard = rememberVerdicts({ audience: 'auth', verify: async (token) => serviceClaimsOf(await tokens.verifyService(token, 'auth')) }, clock);

  return { route, fetchOwn, guard };
}

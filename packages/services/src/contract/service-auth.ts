import { createHmac } from 'node:crypto';

/**
 * Service-to-service auth: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
 *
 * Every instance is a confidential client. Its `client_id` is its instance id (`mail#1`), its
 * secret `clientSecretFor(key, clientId)`: the runtime holds the topology's client key, hands
 * each instance its own id and secret at start (`TOPOLAB_CLIENT_ID`, `TOPOLAB_CLIENT_SECRET`),
 * and hands auth the key (`TOPOLAB_CLIENT_KEY`), so auth can check the secret of any instance,
 * including one scaled up later, without a client table.
 *
 * An instance asks auth for a token at `POST /auth/oauth/token` (`application/x-www-form-urlencoded`,
 * `grant_type=client_credentials&scope=sms.send`, the client authenticated with HTTP Basic as
 * RFC 6749 §2.3.1 says) and gets `{ access_token, token_type: "Bearer", expires_in, scope }`
 * (§5.1). The token is a JWT (RFC 9068 profile, `typ: at+jwt`) whose `aud` is the one service
 * the scopes belong to, `sub` and `client_id` the instance, `scope` the granted scopes.
 * User access tokens have `aud: topolab`, so neither kind passes for the other.
 *
 * Each internal route (registered `access: 'internal'`) names the scope it needs; a call
 * without a valid token for the service answers 401, one whose token lacks the scope 403.
 */

/** Where auth issues service tokens. */
export const serviceTokenPath = '/auth/oauth/token';

/** How long a service token lives, seconds: short, since nobody revokes it. */
export const serviceTokenTtlS = 300;

/** A token is fetched again this long before it expires, seconds. */
export const serviceTokenRefreshBeforeS = 60;

/**
 * Every scope an internal route can require, by the service (the audience) it belongs to. A
 * scope is `<service>.<what>`: its prefix is the token's audience.
 */
export const serviceScopes = Object.freeze({
  auth: ['auth.introspect', 'auth.users.read', 'auth.events.read', 'auth.authenticator'],
  sms: ['sms.send', 'sms.read', 'sms.events'],
  profile: ['profile.read', 'profile.events'],
  mail: ['mail.read', 'mail.events'],
  chat: ['chat.events'],
} as const satisfies Record<string, readonly string[]>);

/** A scope an internal route can require. */
export type ServiceScope = (typeof serviceScopes)[keyof typeof serviceScopes][number];

/**
 * Which scopes each client may be granted, by the service it is an instance of (`control` is
 * the runtime: the phone, the authenticator app, the event log). Least privilege: a client gets only what it calls.
 */
export const serviceGrants: Readonly<Record<string, readonly ServiceScope[]>> = Object.freeze({
  gateway: ['auth.introspect'],
  sidecar: ['auth.introspect'],
  auth: ['sms.send'],
  mail: ['auth.users.read', 'auth.events.read'],
  profile: ['auth.events.read'],
  sms: ['auth.events.read'],
  chat: ['auth.events.read'],
  graphql: ['auth.users.read', 'profile.read', 'mail.read'],
  // auth.authenticator: the simulated authenticator app (`topolab authenticator`), the runtime's alone.
  control: ['sms.read', 'auth.events.read', 'auth.authenticator', 'profile.events', 'mail.events', 'sms.events', 'chat.events'],
});

/** The client id of the runtime itself (control API, scenarios). */
export const controlClientId = 'control';

/** The service a client id belongs to: `mail#1` → `mail`, `control` → `control`. */
export function clientService(clientId: string): string {
  const at = clientId.indexOf('#');
  return at === -1 ? clientId : clientId.slice(0, at);
}

/** The audience (service) a scope belongs to: `sms.send` → `sms`. */
export function scopeAudience(scope: string): string {
  const at = scope.indexOf('.');
  return at === -1 ? scope : scope.slice(0, at);
}

/** The scopes `clientId` may get for `audience`. */
export function grantedScopes(clientId: string, audience: string): ServiceScope[] {
  return (serviceGrants[clientService(clientId)] ?? []).filter((scope) => scopeAudience(scope) === audience);
}

/** The secret of `clientId` under the topology's client key (base64url HMAC-SHA256). */
export function clientSecretFor(key: string, clientId: string): string {
  return createHmac('sha256', key).update(clientId).digest('base64url');
}

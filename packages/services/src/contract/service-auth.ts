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
  // The platform's parts: registering a lease, using the bus and the global cache.
  registry: ['registry.register'],
  bus: ['bus.publish', 'bus.subscribe'],
  cache: ['cache.read', 'cache.write'],
} as const satisfies Record<string, readonly string[]>);

/**
 * The audiences of the platform's parts. The runtime hands each instance its tokens for them
 * as files it keeps fresh (`TOPOLAB_PLATFORM_TOKENS_DIR`), so an instance registers and
 * subscribes without waiting for auth; without the folder it asks auth like for any other.
 */
export const platformAudiences = Object.freeze(['registry', 'bus', 'cache'] as const);

/** A scope an internal route can require. */
export type ServiceScope = (typeof serviceScopes)[keyof typeof serviceScopes][number];

/**
 * Which scopes each client may be granted, by the service it is an instance of (`control` is
 * the runtime: the phone, the authenticator app, the event log). Least privilege: a client gets only what it calls.
 */
export const serviceGrants: Readonly<Record<string, readonly ServiceScope[]>> = Object.freeze({
  // Gateways and sidecars read the token states auth writes; only auth writes them (issue 23: the cache answers revocation, never authenticity).
  gateway: ['auth.introspect', 'registry.register', 'bus.subscribe', 'cache.read'],
  sidecar: ['auth.introspect', 'registry.register', 'bus.subscribe', 'cache.read'],
  auth: ['sms.send', 'registry.register', 'bus.publish', 'cache.write'],
  mail: ['auth.users.read', 'auth.events.read', 'registry.register', 'bus.subscribe'],
  profile: ['auth.events.read', 'registry.register', 'bus.subscribe'],
  sms: ['auth.events.read', 'registry.register', 'bus.subscribe'],
  chat: ['auth.events.read', 'registry.register', 'bus.subscribe', 'bus.publish'],
  graphql: ['auth.users.read', 'profile.read', 'mail.read', 'registry.register'],
  lb: ['registry.register'],
  dns: ['registry.register'],
  bus: ['registry.register'],
  cache: ['registry.register'],
  // It registers nginx, on nginx's behalf (the manifest's `registeredBy`).
  'nginx-sync': ['registry.register'],
  // auth.authenticator: the simulated authenticator app (`topolab authenticator`), the runtime's alone.
  control: ['sms.read', 'auth.events.read', 'auth.authenticator', 'profile.events', 'mail.events', 'sms.events', 'chat.events'],
});

/**
 * Who may publish on each topic topolab uses (by client service): a holder of `bus.publish`
 * publishes only on these. A topic not listed is open to any holder of the scope.
 */
export const busPublishers: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'token.revoked': ['auth'],
  'user.verified': ['auth'],
  'user.deleted': ['auth'],
  'user.updated': ['auth'],
  'chat.message': ['chat'],
});

/** Whether a client of service `publisher` may publish on `topic` (it also needs `bus.publish`). */
export function mayPublish(publisher: string, topic: string): boolean {
  const allowed = busPublishers[topic];
  return allowed === undefined || allowed.includes(publisher);
}

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

/** What a service token is signed for (contract above). */
export interface ServiceTokenSubject {
  readonly clientId: string;
  /** The one service the scopes belong to. */
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
}

/**
 * The protected header and claims of a service token (RFC 9068: `typ: at+jwt`; `sub` and
 * `client_id` the client; `aud` the service; `scope`), signed with auth's key: by auth at its
 * token endpoint, and by the runtime for the platform tokens it hands each instance.
 */
export function serviceTokenParts(subject: ServiceTokenSubject, kid: string) {
  return {
    header: { alg: 'EdDSA' as const, typ: 'at+jwt', kid },
    claims: {
      iss: 'topolab-auth',
      aud: subject.audience,
      sub: subject.clientId,
      client_id: subject.clientId,
      scope: subject.scopes.join(' '),
      jti: subject.jti,
      iat: subject.iat,
      exp: subject.exp,
    },
  };
}

/** The secret of `clientId` under the topology's client key (base64url HMAC-SHA256). */
export function clientSecretFor(key: string, clientId: string): string {
  return createHmac('sha256', key).update(clientId).digest('base64url');
}

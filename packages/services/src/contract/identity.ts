/**
 * How a service learns which user a request is for: the gateway's identity assertion.
 *
 * Anything on the machine can reach a service's loopback address, so no service trusts a bare
 * header naming a user. After the gateway has checked the user's access token (in whatever auth
 * mode is in force, revocation included) it signs a short-lived JWT for the one service the
 * route belongs to and sends it upstream in `x-jwt-assertion` (the pattern of Ory Oathkeeper's
 * id_token mutator, Cloudflare Access' `Cf-Access-Jwt-Assertion` and Google IAP's
 * `x-goog-iap-jwt-assertion`). The service verifies it with the gateways' public key, which the
 * runtime hands every instance at start (`TOPOLAB_IDENTITY_PUBLIC_KEY`); only gateways hold the
 * private key (`TOPOLAB_IDENTITY_KEY_FILE`). A client's own `x-jwt-assertion` or `x-user-id`
 * never reaches a service through the gateway, and a service ignores `x-user-id` altogether.
 *
 * The assertion (RFC 7519, explicitly typed as RFC 8725 §3.11 advises):
 * - header `{ alg: "EdDSA", typ: "identity+jwt", kid }`;
 * - `iss` `topolab-gateway`, `aud` the service (`profile`), `sub` the user id,
 *   `iat`, `exp` at most `identityAssertionMaxTtlS` later and never after the access token's;
 * - `at_jti`, `at_exp`: the access token it stands for (its jti and exp, never the token), so a
 *   service can end a WebSocket when that token is revoked or expires.
 *
 * A gateway reuses an assertion for the same access token and service for
 * `identityAssertionReuseS` (one signature per token per service per half minute, not one per
 * request); a service keeps each verified assertion until it expires (one verification each).
 */

/** The request header that carries the assertion. */
export const identityAssertionHeader = 'x-jwt-assertion';

/** Headers that once named the user and mean nothing now: the gateway drops them from clients, services ignore them. */
export const legacyIdentityHeaders: readonly string[] = Object.freeze(['x-user-id', 'x-token-id', 'x-token-exp']);

/** `iss` of every assertion. */
export const identityIssuer = 'topolab-gateway';

/** `typ` header of an assertion: no other kind of JWT passes for one. */
export const identityAssertionType = 'identity+jwt';

/** Longest life of an assertion, seconds (the bound: ≤ 60 s). */
export const identityAssertionMaxTtlS = 60;

/** How long a gateway reuses one assertion, seconds: half its life, so a reused one still has ≥ 30 s left. */
export const identityAssertionReuseS = 30;

/** What a verified assertion says. */
export interface IdentityClaims {
  /** The user id. */
  readonly sub: string;
  /** The service it was minted for. */
  readonly aud: string;
  /** Epoch seconds: the assertion's own expiry. */
  readonly exp: number;
  /** The jti of the access token the gateway checked. */
  readonly tokenJti: string;
  /** Epoch seconds: when that access token expires. */
  readonly tokenExp: number;
}

/** The scheme of the `WWW-Authenticate` challenge a service answers a request without a verifiable identity with (RFC 9110 §11.6.1). */
export const identityChallenge = `IdentityAssertion realm="topolab-services", header="${identityAssertionHeader}", issuer="${identityIssuer}"`;

/** What an assertion is minted for. */
export interface AssertionSubject {
  /** The user id. */
  readonly sub: string;
  /** The service the route belongs to. */
  readonly audience: string;
  /** The access token's jti and exp (epoch seconds). */
  readonly tokenJti: string;
  readonly tokenExp: number;
}

/**
 * The protected header and claims of an assertion for `subject`, issued at `nowS` (epoch
 * seconds), living `ttlS` (at most `identityAssertionMaxTtlS` for a gateway) but never past the
 * access token. The gateway and the bench's direct rows sign these with the identity key.
 */
export function identityAssertionParts(subject: AssertionSubject, kid: string, nowS: number, ttlS: number = identityAssertionMaxTtlS) {
  return {
    header: { alg: 'EdDSA' as const, typ: identityAssertionType, kid },
    claims: {
      iss: identityIssuer,
      sub: subject.sub,
      aud: subject.audience,
      iat: nowS,
      exp: Math.min(nowS + ttlS, subject.tokenExp),
      at_jti: subject.tokenJti,
      at_exp: subject.tokenExp,
    },
  };
}

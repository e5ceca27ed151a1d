import { createHash, generateKeyPairSync } from 'node:crypto';

/**
 * The Ed25519 keys a topology signs with, as JWKs (RFC 8037) named by their RFC 7638
 * thumbprint: auth's signing key (service and access tokens) and the gateways' identity key
 * (identity assertions). The runtime creates them and hands the private halves over as files,
 * the public halves as variables (`TOPOLAB_AUTH_PUBLIC_KEY`, `TOPOLAB_IDENTITY_PUBLIC_KEY`).
 */

/** An Ed25519 public key as a JWK (RFC 8037), with its `kid`: never a private one (no `d`). A type, not an interface, so node:crypto takes it as a JsonWebKey. */
export type PublicJwk = {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg?: 'EdDSA';
  readonly use?: 'sig';
};

/** An Ed25519 private key as a JWK (RFC 8037), with its `kid`. */
export type PrivateJwk = {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly d: string;
  readonly kid: string;
};

/** Both halves of one key, each with the same `kid`; the public one as a JWKS publishes it. */
export interface Ed25519KeyPair {
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk & { readonly alg: 'EdDSA'; readonly use: 'sig' };
}

/** RFC 7638 thumbprint of an Ed25519 public key: SHA-256 of `{"crv","kty","x"}` in that order, base64url (what auth's JWKS names it). */
export function jwkThumbprint(x: string): string {
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
}

/** The key pair of the public part `x` and private part `d` (base64url), named by its thumbprint. */
export function ed25519KeyPair(x: string, d: string): Ed25519KeyPair {
  const kid = jwkThumbprint(x);
  return { privateJwk: { kty: 'OKP', crv: 'Ed25519', x, d, kid }, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } };
}

/** A new Ed25519 key pair (node:crypto). */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { x, d } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return ed25519KeyPair(x, d);
}

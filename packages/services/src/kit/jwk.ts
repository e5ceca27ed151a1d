import type { PrivateJwk, PublicJwk } from '../contract/signing-keys.js';
import * as z from './zod.js';

// Both halves of an Ed25519 key are 32 bytes: 43 base64url characters.
const keyPart = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));
const kid = z.string().check(z.minLength(1), z.maxLength(200));

/** A variable holding JSON (a JWK), parsed; a ConfigError names it when it is not JSON. */
const json = z.pipe(
  z.string(),
  z.transform((text: string, payload) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      payload.issues.push({ code: 'custom', message: 'expected a JWK as JSON', input: text });
      return z.NEVER;
    }
  }),
);

const publicJwkShape = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: keyPart,
  kid,
  alg: z.optional(z.literal('EdDSA')),
  use: z.optional(z.literal('sig')),
  d: z.optional(z.undefined({ error: 'a public key must not hold the private part (d)' })),
});

/** A public Ed25519 JWK as JSON text (`TOPOLAB_AUTH_PUBLIC_KEY`, `TOPOLAB_IDENTITY_PUBLIC_KEY`); one holding `d` is refused. */
export const publicJwkSchema = z.pipe(
  json,
  z.pipe(
    publicJwkShape,
    z.transform(({ kty, crv, x, kid, alg, use }: z.output<typeof publicJwkShape>): PublicJwk => ({ kty, crv, x, kid, ...(alg ? { alg } : {}), ...(use ? { use } : {}) })),
  ),
);

const privateJwkShape = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: keyPart, d: keyPart, kid });

/** A private Ed25519 JWK as JSON text (`TOPOLAB_IDENTITY_KEY`, `TOPOLAB_AUTH_SIGNING_KEY`, handed over as `_FILE`s). */
export const privateJwkSchema = z.pipe(
  json,
  z.pipe(privateJwkShape, z.transform(({ kty, crv, x, d, kid }: z.output<typeof privateJwkShape>): PrivateJwk => ({ kty, crv, x, d, kid }))),
);

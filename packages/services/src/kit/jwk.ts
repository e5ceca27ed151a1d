import { z } from 'zod';
import type { PrivateJwk, PublicJwk } from '../contract/signing-keys.js';

// Both halves of an Ed25519 key are 32 bytes: 43 base64url characters.
const keyPart = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A variable holding JSON (a JWK), parsed; a ConfigError names it when it is not JSON. */
const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JWK as JSON' });
    return z.NEVER;
  }
});

/** A public Ed25519 JWK as JSON text (`TOPOLAB_AUTH_PUBLIC_KEY`, `TOPOLAB_IDENTITY_PUBLIC_KEY`); one holding `d` is refused. */
export const publicJwkSchema = json.pipe(
  z
    .object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: keyPart,
      kid: z.string().min(1).max(200),
      alg: z.literal('EdDSA').optional(),
      use: z.literal('sig').optional(),
      d: z.undefined({ error: 'a public key must not hold the private part (d)' }).optional(),
    })
    .transform(({ kty, crv, x, kid, alg, use }): PublicJwk => ({ kty, crv, x, kid, ...(alg ? { alg } : {}), ...(use ? { use } : {}) })),
);

/** A private Ed25519 JWK as JSON text (`TOPOLAB_IDENTITY_KEY`, `TOPOLAB_AUTH_SIGNING_KEY`, handed over as `_FILE`s). */
export const privateJwkSchema = json.pipe(
  z
    .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: keyPart, d: keyPart, kid: z.string().min(1).max(200) })
    .transform(({ kty, crv, x, d, kid }): PrivateJwk => ({ kty, crv, x, d, kid })),
);

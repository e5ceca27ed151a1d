import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * Mozilla's "intermediate" server configuration (ssl-config.mozilla.org, guideline 5.7), as
 * RFC 9325 §4.2 recommends: TLS 1.2 only with ECDHE key exchange and AEAD ciphers (AES-GCM,
 * ChaCha20-Poly1305) — no CBC (Lucky 13 and its kin), no CCM8 (a 64-bit tag), no static RSA
 * or DHE — and TLS 1.3's three standard suites. Node drops TLS 1.3 when `ciphers` names none of
 * its suites, so they are listed too. TLS 1.0 and 1.1 are refused (RFC 8996).
 */
export const edgeCiphers = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * The TLS options of every HTTPS listener of the topology. `honorCipherOrder` is off as in
 * Mozilla's intermediate profile: every suite left is strong, so the client picks the one its
 * hardware runs fastest (ChaCha20 on a phone without AES instructions).
 */
export const edgeTlsOptions = Object.freeze({
  minVersion: 'TLSv1.2',
  ciphers: edgeCiphers,
  honorCipherOrder: false,
  ecdhCurve: 'X25519:prime256v1:secp384r1',
} satisfies SecureContextOptions & TlsOptions);

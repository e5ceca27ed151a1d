/** What replaces a secret in anything a scenario run reports. */
export const redactedMark = '‹secret›';

// JWTs (header.payload.signature, base64url) are secrets wherever they show up.
const jwtPattern = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
// Fields whose values are secrets in request and response bodies; a `code` is one only when it is digits (an OTP, not an error code).
const secretField = /password|token|secret/i;
// …except fields that only name a kind of token (`tokenType: "Bearer"`, RFC 6749's `token_type`).
const publicField = /^token_?type$/i;
const codeField = /^(code|otp)$/i;
const otpValue = /^\d{4,8}$/;

/** The passwords, one-time codes and tokens one scenario run handled, and their removal from text. */
export interface SecretRegistry {
  /** Remembers `value` (4 characters or more) as a secret. */
  add(value: unknown): void;
  /** Remembers every string under a secret-looking field of a JSON body (two levels deep). */
  addFromBody(body: unknown): void;
  /** `text` with every remembered secret and every JWT replaced by ‹secret›. */
  redact(text: string): string;
}

/** Creates an empty registry. */
export function createSecretRegistry(): SecretRegistry {
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 4) secrets.add(value);
  };
  const scan = (body: unknown, depth: number): void => {
    if (typeof body !== 'object' || body === null || depth > 2) return;
    for (const [key, value] of Object.entries(body)) {
      if (secretField.test(key) && !publicField.test(key)) add(value);
      else if (codeField.test(key)) {
        if (typeof value === 'string' && otpValue.test(value)) add(value);
      } else scan(value, depth + 1);
    }
  };
  return {
    add,
    addFromBody: (body) => scan(body, 0),
    redact(text) {
      let result = text.replace(jwtPattern, redactedMark);
      // Longest first, so a secret containing another is replaced whole.
      for (const secret of [...secrets].sort((a, b) => b.length - a.length)) result = result.replaceAll(secret, redactedMark);
      return result;
    },
  };
}

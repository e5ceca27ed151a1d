// Exact names that hold secrets, and suffixes (`newPassword`, `refreshToken`, `clientSecret`).
const secretNames = new Set(['password', 'otp', 'code', 'token', 'authorization', 'cookie', 'secret', 'jwt', 'pin']);
const secretSuffix = /(password|token|secret)$/i;

/** Whether a field of this name may hold a password, code or token. Error codes go under `errorCode`. */
export function isSecretField(key: string): boolean {
  return secretNames.has(key.toLowerCase()) || secretSuffix.test(key);
}

/** Copies log fields with every secret field replaced, so no log line can hold a password, code or token. */
export function redactFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isSecretField(key)) {
      out[key] = '[redacted]';
    } else if (value instanceof Error) {
      out[key] = { name: value.name, message: value.message, errorCode: (value as { code?: unknown }).code };
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = redactFields(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  return out;
}

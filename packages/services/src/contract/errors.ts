/** The body of every error answer of every service. */
export interface ErrorBody {
  readonly error: {
    /** Stable `AREA_REASON` code, listed in docs/errors.md. */
    readonly code: string;
    /** One line, built from structured data, never holding a secret. */
    readonly message: string;
    /** What to do about it, when there is something to do. */
    readonly hint?: string;
    /** Field-level problems of a validation error (path and reason, never the value). */
    readonly details?: readonly { readonly path: string; readonly message: string }[];
  };
}

/** Type guard for an error body received from a service. */
export function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string';
}

/**
 * How a failure ends the CLI.
 * `1`: a scenario or check failed (or an unexpected internal error).
 * `2`: usage or configuration error: the user asked for something invalid.
 * `3`: environment error: a port is taken, a service failed to start, nothing is running.
 */
export type ExitCode = 1 | 2 | 3;

/** Options of a TopolabError. */
export interface TopolabErrorOptions {
  /** What to do about it, one sentence. */
  readonly hint?: string | undefined;
  /** The original error. */
  readonly cause?: unknown;
  /** @default 1 */
  readonly exitCode?: ExitCode;
  /** The last log lines of the instance concerned (start timeout, crash, port in use). */
  readonly lastLines?: readonly string[] | undefined;
  /** Structured facts for programs (instance id, exit code, log file); never a secret. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** Extra headers of the control API's answer of this error (`Allow`, `Connection: close`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * The one error class of topolab: a stable `AREA_REASON` code, a one-line message, an
 * optional hint and the exit code the CLI should use. Callers branch on `code`, never on text.
 */
export class TopolabError extends Error {
  override readonly name = 'TopolabError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  readonly lastLines: readonly string[] | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: string, message: string, options: TopolabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.lastLines = options.lastLines;
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The `{ error: { code, message, hint } }` body used by the control API. */
  toBody(): { error: { code: string; message: string; hint?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.hint === undefined ? {} : { hint: this.hint }) } };
  }
}

/** Type guard that also accepts errors from another copy of the module (matched by name and code). */
export function isTopolabError(value: unknown): value is TopolabError {
  return value instanceof TopolabError || (value instanceof Error && value.name === 'TopolabError' && typeof (value as { code?: unknown }).code === 'string');
}

import * as z from '../zod.js';

/**
 * Free text: what a person types (names, subjects, bodies, search queries), as opposed to
 * identifiers, tokens and enums, which have patterns of their own. Control characters in it are
 * refused, not stripped: NUL truncates the value in C-string consumers (SMS gateways, logs,
 * SQLite tools), ESC drives terminals, CR/LF split headers and log lines (OWASP ASVS 5.0 V1
 * "encoding and sanitization", V2 "validation and business logic": validate input against an
 * allow-list of what the field may hold).
 *
 * - {@link singleLineText}: names, subjects, display names, search queries, SMS fields. Refuses
 *   every control character of the Unicode general category Cc — C0 U+0000–U+001F (tab, LF and
 *   CR included), DEL U+007F, C1 U+0080–U+009F — and also the bidirectional embeddings,
 *   overrides and isolates U+202A–U+202E and U+2066–U+2069 (they make a name display in another
 *   order than it reads: "Trojan Source", CVE-2021-42574) and the line and paragraph separators
 *   U+2028 and U+2029 (a line break by another name).
 * - {@link multiLineText}: a mail body, a signature, a bio. Refuses Cc but tab and LF, and CR
 *   too unless `crlf` is set, when it is allowed only as part of CRLF (RFC 5322 lines). Bidi
 *   controls and U+2028/U+2029 are allowed: right-to-left paragraphs legitimately use them.
 *
 * Both refuse lone UTF-16 surrogates (JSON's `"\ud800"`), which are no text at all and turn
 * into U+FFFD on the way to UTF-8 storage. A refusal is an ordinary zod issue, so a route's
 * `body`/`query` schema turns it into the kit's HTTP_VALIDATION_FAILED (400) with
 * `details: [{ path, message }]`; the message names the rule and never the value.
 */

/** What the issues say; tests and callers may match on them. */
export const freeTextMessages = {
  control: 'must not contain control characters',
  controlMultiLine: 'must not contain control characters other than tab and newline',
  controlCrlf: 'must not contain control characters other than tab and newline (CR only in CRLF)',
  layout: 'must not contain bidirectional controls or line/paragraph separators',
  surrogate: 'must not contain lone UTF-16 surrogates',
} as const;

/** Unicode general category Cc: C0, DEL, C1. */
const anyControl = /[\u0000-\u001f\u007f-\u009f]/u;
/** Cc but tab (U+0009) and LF (U+000A). */
const controlButTabLf = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
/** Cc but tab, LF, and CR when LF follows. */
const controlButTabCrlf = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/u;
/** Line/paragraph separators, bidi embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI). */
const layoutControl = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// No `u` flag: with it a regex sees code points and cannot find half of a pair.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Which rules a text follows: one line, or several (with CRLF allowed when `crlf`). */
export type FreeTextKind = { readonly lines: 'single' } | { readonly lines: 'multi'; readonly crlf?: boolean };

/** The messages of every rule `text` breaks, in a stable order; empty when it is acceptable free text of `kind`. */
export function freeTextProblems(text: string, kind: FreeTextKind): string[] {
  const problems: string[] = [];
  if (kind.lines === 'single') {
    if (anyControl.test(text)) problems.push(freeTextMessages.control);
    if (layoutControl.test(text)) problems.push(freeTextMessages.layout);
  } else if (kind.crlf === true) {
    if (controlButTabCrlf.test(text)) problems.push(freeTextMessages.controlCrlf);
  } else if (controlButTabLf.test(text)) {
    problems.push(freeTextMessages.controlMultiLine);
  }
  if (loneSurrogate.test(text)) problems.push(freeTextMessages.surrogate);
  return problems;
}

/** Options of {@link singleLineText}. */
export interface SingleLineTextOptions {
  /** The most characters (UTF-16 units, as zod counts), after trimming. */
  readonly max: number;
  /** The fewest characters, after trimming. @default 0 */
  readonly min?: number;
  /** Trim surrounding whitespace — after the check, so a trailing newline is refused, not trimmed away. @default false */
  readonly trim?: boolean;
}

/** Options of {@link multiLineText}. */
export interface MultiLineTextOptions {
  /** The most characters (UTF-16 units, as zod counts), after trimming. */
  readonly max: number;
  /** The fewest characters, after trimming. @default 0 */
  readonly min?: number;
  /** Trim surrounding whitespace after the check. @default false */
  readonly trim?: boolean;
  /** Also allow CR, as part of CRLF only (mail bodies, RFC 5322). @default false: tab and LF only */
  readonly crlf?: boolean;
}

/**
 * A refinement for any string schema: `z.string().check(noControlChars({ lines: 'single' }))`
 * (zod runs checks in order, so put it before `z.trim()`). One issue per broken rule.
 */
export function noControlChars(kind: FreeTextKind): z.core.$ZodCheck<string> {
  return z.superRefine<string>((text, ctx) => {
    for (const message of freeTextProblems(text, kind)) ctx.addIssue({ code: 'custom', message, continue: true });
  });
}

/** A single-line free-text string (see the module comment): no Cc, no bidi controls, no U+2028/U+2029. */
export function singleLineText(options: SingleLineTextOptions): z.ZodMiniString<string> {
  return bounded(z.string().check(noControlChars({ lines: 'single' })), options);
}

/** A multi-line free-text string (see the module comment): tab and LF (and CRLF with `crlf`) are its only controls. */
export function multiLineText(options: MultiLineTextOptions): z.ZodMiniString<string> {
  return bounded(z.string().check(noControlChars({ lines: 'multi', crlf: options.crlf ?? false })), options);
}

function bounded(schema: z.ZodMiniString<string>, options: { readonly max: number; readonly min?: number; readonly trim?: boolean }): z.ZodMiniString<string> {
  const trimmed = options.trim === true ? schema.check(z.trim()) : schema;
  const atLeast = options.min === undefined || options.min === 0 ? trimmed : trimmed.check(z.minLength(options.min));
  return atLeast.check(z.maxLength(options.max));
}

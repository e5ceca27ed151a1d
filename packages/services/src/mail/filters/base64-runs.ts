/** Shortest run of base64 characters (whitespace aside) worth decoding. */
export const MIN_BASE64_RUN = 68;

// Base64 characters and the whitespace that wraps them (MIME wraps at 76 columns).
const RUN_PATTERN = /[A-Za-z0-9+/=\s]{68,}/g;

/**
 * Decodes every base64-looking run of a text that is at least {@link MIN_BASE64_RUN} characters
 * long, and calls `visit` with each decoding until it returns true (found) or `maxChars` of runs
 * were decoded. Returns whether `visit` returned true.
 *
 * A run may start with ordinary words ("see the file below" is base64 alphabet too), which shifts
 * the 4-character alignment of the real block behind them; decoding from each of the first four
 * offsets realigns it. Node stops at the first `=`, so runs are cut there too.
 */
export function someBase64Decoding(text: string, visit: (decoded: Buffer) => boolean, maxChars = Number.POSITIVE_INFINITY): boolean {
  let budget = maxChars;
  for (const match of text.matchAll(RUN_PATTERN)) {
    for (const piece of match[0].replace(/\s+/g, '').split(/=+/)) {
      if (piece.length < MIN_BASE64_RUN) continue;
      if (budget < piece.length) return false;
      budget -= piece.length;
      for (let offset = 0; offset < 4; offset++) {
        if (visit(Buffer.from(piece.slice(offset), 'base64'))) return true;
      }
    }
  }
  return false;
}

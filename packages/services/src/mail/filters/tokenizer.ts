// Words too common to tell spam from ham. "you", "your" and "free" are left out on purpose:
// they lean towards spam.
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'the and for are but not was were has have had this that these those with from into onto ' +
    'its our ours his her hers him she they them their there then than what which who whom ' +
    'when where why how all any can could would should will shall may might must been being ' +
    'is am be do does did done of to in on at by as or if an so no it we he me my us up ' +
    'out about over also just very some such only own same too each both few more most other'
  ).split(' '),
);

// Letters/digit runs (any script), and runs of `$` or `!`, which say more as a run than alone.
const TOKEN_PATTERN = /[\p{L}\p{N}]+|\$+|!+/gu;

/** Longest word kept: longer runs are base64, hashes or URLs glued together and never recur. */
export const MAX_TOKEN_LENGTH = 30;

/**
 * Splits text into classifier tokens: NFKC-normalised and lowercased, split on anything that is
 * not a letter or digit, keeping runs of `$` and `!` as tokens (`$$$`, `!!!`), and dropping
 * one-character words, words longer than {@link MAX_TOKEN_LENGTH} and common stop words.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    const symbolic = token[0] === '$' || token[0] === '!';
    if (!symbolic && (token.length < 2 || token.length > MAX_TOKEN_LENGTH || STOP_WORDS.has(token))) continue;
    tokens.push(token.length > MAX_TOKEN_LENGTH ? token.slice(0, MAX_TOKEN_LENGTH) : token);
  }
  return tokens;
}

/** The tokens of a message as the classifier sees it: its subject, then its body. */
export function tokenizeMessage(message: { readonly subject: string; readonly body: string }): string[] {
  return [...tokenize(message.subject), ...tokenize(message.body)];
}

/** Counts each token of a list. */
export function countTokens(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

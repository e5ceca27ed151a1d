import { type CountLayer, toProbability, weighEvidence } from './naive-bayes.js';
import { applySpamRules } from './spam-rules.js';
import type { SpamMessage, SpamVerdict } from './spam-types.js';

/**
 * Bound of the classifier's log-odds once squashed (`8 · tanh(x / 8)`): naive Bayes is
 * over-confident on long texts, and unbounded it would drown every rule. The squash is strictly
 * increasing, so any change of evidence (a user's marks) still moves the score.
 */
export const BAYES_LOG_ODDS_LIMIT = 8;

/** What judgeMessage needs. */
export interface JudgeInput {
  readonly message: SpamMessage;
  /** Token counts of the message (see tokenizeMessage, countTokens). */
  readonly counts: ReadonlyMap<string, number>;
  /** The global layer, then the user's own when they have marks. */
  readonly layers: readonly CountLayer[];
  readonly threshold: number;
}

/**
 * Combines the classifier's evidence with the header and content rules: the squashed log-odds
 * plus each rule's weight, through the logistic function. GTUBE makes the score 1.
 */
export function judgeMessage({ message, counts, layers, threshold }: JudgeInput): SpamVerdict {
  const evidence = weighEvidence(counts, layers);
  const hits = applySpamRules(message);
  const bayesLogOdds = BAYES_LOG_ODDS_LIMIT * Math.tanh(evidence.logOdds / BAYES_LOG_ODDS_LIMIT);
  const certain = hits.some((hit) => hit.certain);
  const logOdds = bayesLogOdds + hits.reduce((sum, hit) => sum + hit.weight, 0);
  const score = certain ? 1 : toProbability(logOdds);
  const bayes = toProbability(evidence.logOdds);
  const leaning = pickLeadingTokens(evidence.contributions, bayes >= 0.5 ? 1 : -1);
  const personal = layers.length > 1 ? ', with your own marks' : '';
  const reasons = [
    `bayes: ${bayes.toFixed(3)} spam probability${personal}${leaning.length > 0 ? ` (${leaning.join(', ')})` : ''}`,
    ...hits.map((hit) => hit.reason),
  ];
  return { score, spam: score >= threshold, reasons };
}

// The three tokens that pushed hardest towards the verdict's side, for the reason line.
function pickLeadingTokens(contributions: ReadonlyMap<string, number>, sign: 1 | -1): string[] {
  return [...contributions]
    .filter(([, value]) => value * sign > 0)
    .sort((a, b) => (b[1] - a[1]) * sign)
    .slice(0, 3)
    .map(([token]) => token);
}

/**
 * Multinomial naive Bayes with Laplace (add-one) smoothing, computed in log space.
 *
 * Written here rather than taken from a library on purpose: `wink-naive-bayes-text-classifier`
 * is AGPL-3.0 and cannot learn again after `consolidate()` (each user's spam/not-spam marks must
 * retrain their own model incrementally), and `natural` pulls in mongoose, pg and redis. The
 * arithmetic is small enough to own and test.
 */

/** Whether a message is unwanted (`spam`) or wanted (`ham`). */
export type SpamLabel = 'spam' | 'ham';

/** A count per class. */
export interface ClassCounts {
  readonly spam: number;
  readonly ham: number;
}

/**
 * Counts behind a model, possibly one layer of several: the global corpus model, or one user's
 * own marks read from the database.
 */
export interface CountLayer {
  /** How often a token was seen in each class, or undefined when never. */
  readonly lookup: (token: string) => ClassCounts | undefined;
  /** Messages learned per class (the priors). */
  readonly messages: ClassCounts;
  /** Token occurrences learned per class (the denominators). */
  readonly totals: ClassCounts;
  /** Distinct tokens known to this layer (the Laplace denominator adds it). */
  readonly vocabulary: number;
  /** How much one observation of this layer counts against the others. @default 1 */
  readonly weight?: number;
}

/** The evidence of a message: log-odds of spam and each known token's share of it. */
export interface BayesEvidence {
  /** ln(P(spam | tokens) / P(ham | tokens)). */
  readonly logOdds: number;
  /** Each known token of the message with its summed log-likelihood ratio (positive: spammy). */
  readonly contributions: ReadonlyMap<string, number>;
}

/** A labelled example: the tokens of one message. */
export interface TrainingExample {
  readonly label: SpamLabel;
  readonly tokens: readonly string[];
}

/** Trains a single in-memory layer from labelled examples. */
export function trainLayer(examples: Iterable<TrainingExample>): CountLayer {
  const tokens = new Map<string, { spam: number; ham: number }>();
  const messages = { spam: 0, ham: 0 };
  const totals = { spam: 0, ham: 0 };
  for (const { label, tokens: words } of examples) {
    messages[label] += 1;
    totals[label] += words.length;
    for (const word of words) {
      const counts = tokens.get(word) ?? { spam: 0, ham: 0 };
      counts[label] += 1;
      tokens.set(word, counts);
    }
  }
  return { lookup: (token) => tokens.get(token), messages, totals, vocabulary: tokens.size, weight: 1 };
}

/**
 * Weighs a message's tokens against the summed, weighted layers. A token that no layer knows is
 * skipped: with add-one smoothing it would only favour whichever class has fewer tokens.
 */
export function weighEvidence(tokens: ReadonlyMap<string, number>, layers: readonly CountLayer[]): BayesEvidence {
  const messages = sumCounts(layers, (layer) => layer.messages);
  const totals = sumCounts(layers, (layer) => layer.totals);
  const vocabulary = layers.reduce((sum, layer) => sum + layer.vocabulary, 0);
  const spamDenominator = Math.log(totals.spam + vocabulary);
  const hamDenominator = Math.log(totals.ham + vocabulary);
  let logOdds = Math.log((messages.spam + 1) / (messages.ham + 1));
  const contributions = new Map<string, number>();
  for (const [token, occurrences] of tokens) {
    let known = false;
    const counts = sumCounts(layers, (layer) => {
      const found = layer.lookup(token);
      if (found) known = true;
      return found ?? ZERO;
    });
    if (!known) continue;
    const ratio = Math.log(counts.spam + 1) - spamDenominator - (Math.log(counts.ham + 1) - hamDenominator);
    contributions.set(token, occurrences * ratio);
    logOdds += occurrences * ratio;
  }
  return { logOdds, contributions };
}

/** The logistic function: log-odds to a probability in 0..1. */
export function toProbability(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

const ZERO: ClassCounts = { spam: 0, ham: 0 };

function sumCounts(layers: readonly CountLayer[], pick: (layer: CountLayer) => ClassCounts): ClassCounts {
  let spam = 0;
  let ham = 0;
  for (const layer of layers) {
    const weight = layer.weight ?? 1;
    const counts = pick(layer);
    spam += weight * counts.spam;
    ham += weight * counts.ham;
  }
  return { spam, ham };
}

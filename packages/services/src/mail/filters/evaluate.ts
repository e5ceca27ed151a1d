import { type CorpusMessage, spamCorpus, splitCorpus } from './corpus.js';
import { trainGlobalLayer } from './global-model.js';
import { judgeMessage } from './judge-message.js';
import type { SpamLabel } from './naive-bayes.js';
import { DEFAULT_SPAM_THRESHOLD } from './spam-filter.js';
import { countTokens, tokenizeMessage } from './tokenizer.js';

/** Options of evaluateSpamFilter. */
export interface SpamEvaluationOptions {
  /** @default the shipped corpus */
  readonly corpus?: readonly CorpusMessage[];
  /** Every n-th message is held out for evaluation, the rest trains. @default 4 */
  readonly holdOutEvery?: number;
  /** @default 0.9 */
  readonly threshold?: number;
}

/** Counts of the held-out messages by truth and verdict (spam is the positive class). */
export interface SpamConfusion {
  readonly truePositive: number;
  readonly falsePositive: number;
  readonly trueNegative: number;
  readonly falseNegative: number;
}

/** How the filter did on the held-out part of the corpus. */
export interface SpamEvaluation {
  /** Of the messages called spam, the share that is spam (1 when none was called spam). */
  readonly precision: number;
  /** Of the spam, the share called spam. */
  readonly recall: number;
  /** Share of held-out messages judged right. */
  readonly accuracy: number;
  readonly confusion: SpamConfusion;
  readonly threshold: number;
  readonly trainingSize: number;
  readonly heldOutSize: number;
  /** The held-out messages judged wrong, to look at. */
  readonly mistakes: readonly { readonly label: SpamLabel; readonly subject: string; readonly score: number }[];
}

/**
 * Trains the classifier on the corpus less every 4th message, judges those held out (classifier
 * and content rules; no user marks, no sender or attachments) and reports precision and recall.
 */
export function evaluateSpamFilter(options: SpamEvaluationOptions = {}): SpamEvaluation {
  const threshold = options.threshold ?? DEFAULT_SPAM_THRESHOLD;
  const { training, heldOut } = splitCorpus(options.corpus ?? spamCorpus, options.holdOutEvery ?? 4);
  const layers = [trainGlobalLayer(training)];
  const confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  const mistakes: { label: SpamLabel; subject: string; score: number }[] = [];
  for (const item of heldOut) {
    const message = { from: '', to: [], subject: item.subject, body: item.body, attachments: [], userId: '' };
    const verdict = judgeMessage({ message, counts: countTokens(tokenizeMessage(message)), layers, threshold });
    const isSpam = item.label === 'spam';
    if (verdict.spam !== isSpam) mistakes.push({ label: item.label, subject: item.subject, score: verdict.score });
    if (isSpam) confusion[verdict.spam ? 'truePositive' : 'falseNegative'] += 1;
    else confusion[verdict.spam ? 'falsePositive' : 'trueNegative'] += 1;
  }
  const calledSpam = confusion.truePositive + confusion.falsePositive;
  const spam = confusion.truePositive + confusion.falseNegative;
  return {
    precision: calledSpam === 0 ? 1 : confusion.truePositive / calledSpam,
    recall: spam === 0 ? 1 : confusion.truePositive / spam,
    accuracy: heldOut.length === 0 ? 1 : (confusion.truePositive + confusion.trueNegative) / heldOut.length,
    confusion,
    threshold,
    trainingSize: training.length,
    heldOutSize: heldOut.length,
    mistakes,
  };
}

import { hamMessages } from './corpus-ham.js';
import type { SpamLabel } from './naive-bayes.js';
import { spamMessages } from './corpus-spam.js';

/** A labelled message of the shipped corpus. */
export interface CorpusMessage {
  readonly label: SpamLabel;
  readonly subject: string;
  readonly body: string;
}

/**
 * The labelled corpus shipped with the filter: 250 short realistic messages, about half spam,
 * written for this repository. Spam first, then ham: holding out every 4th message takes a
 * quarter of each class.
 */
export const spamCorpus: readonly CorpusMessage[] = Object.freeze([...spamMessages, ...hamMessages]);

/** The two parts of a split corpus. */
export interface CorpusSplit {
  readonly training: readonly CorpusMessage[];
  readonly heldOut: readonly CorpusMessage[];
}

/** Splits a corpus deterministically: the 4th, 8th, 12th... message is held out for evaluation. */
export function splitCorpus(corpus: readonly CorpusMessage[], holdOutEvery = 4): CorpusSplit {
  const training: CorpusMessage[] = [];
  const heldOut: CorpusMessage[] = [];
  corpus.forEach((message, index) => ((index + 1) % holdOutEvery === 0 ? heldOut : training).push(message));
  return { training, heldOut };
}

import { type CorpusMessage, spamCorpus } from './corpus.js';
import { type CountLayer, trainLayer } from './naive-bayes.js';
import { tokenizeMessage } from './tokenizer.js';

/** Trains the global (shared, in-memory) layer of the classifier from labelled messages. */
export function trainGlobalLayer(corpus: readonly CorpusMessage[]): CountLayer {
  return trainLayer(corpus.map((message) => ({ label: message.label, tokens: tokenizeMessage(message) })));
}

let shipped: CountLayer | undefined;

/** The global layer trained on the whole shipped corpus, trained once per process. */
export function getShippedGlobalLayer(): CountLayer {
  shipped ??= trainGlobalLayer(spamCorpus);
  return shipped;
}

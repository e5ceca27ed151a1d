import type { SqliteDatabase } from '../../kit/sqlite.js';
import type { CorpusMessage } from './corpus.js';
import { getShippedGlobalLayer, trainGlobalLayer } from './global-model.js';
import { judgeMessage } from './judge-message.js';
import type { CountLayer } from './naive-bayes.js';
import type { SpamFilter } from './spam-types.js';
import { countTokens, tokenizeMessage } from './tokenizer.js';
import { createUserCountsStore } from './user-counts-store.js';

/**
 * Default spam threshold: a message whose score (probability of spam) is at or above 0.9 goes to
 * the spam folder. High on purpose: a good message lost in spam costs more than a spam let through.
 */
export const DEFAULT_SPAM_THRESHOLD = 0.9;

/** How much one of a user's own marked token occurrences counts against one of the corpus. */
export const DEFAULT_USER_WEIGHT = 3;

/** Options of createSpamFilter. */
export interface SpamFilterOptions {
  /** The mail database, migrated with `spamMigrations` (users' own marks live there). */
  readonly db: SqliteDatabase;
  /** Epoch milliseconds, for `updated_at`. @default Date.now */
  readonly clock?: () => number;
  /** Score at or above which a message is spam, in 0..1. @default 0.9 */
  readonly threshold?: number;
  /** Weight of a user's own marks against the global corpus. @default 3 */
  readonly userWeight?: number;
  /** Labelled messages the global model is trained from. @default the shipped corpus */
  readonly corpus?: readonly CorpusMessage[];
}

/**
 * Creates the spam filter: a multinomial naive-Bayes classifier (global model trained in memory
 * from the corpus, plus each recipient's own marks from the database, weighted) and header and
 * content rules (GTUBE, exclamation marks, capitals, money/urgency phrases, raw IP links, a
 * misleading From display name, an empty subject with an attachment, executable attachments).
 * Statements are prepared once here.
 */
export function createSpamFilter(options: SpamFilterOptions): SpamFilter {
  const threshold = validateUnitInterval('threshold', options.threshold ?? DEFAULT_SPAM_THRESHOLD);
  const userWeight = options.userWeight ?? DEFAULT_USER_WEIGHT;
  if (!(userWeight >= 0) || !Number.isFinite(userWeight)) {
    throw new RangeError(`Expected the \`userWeight\` option to be a non-negative number, got ${userWeight}`);
  }
  const clock = options.clock ?? Date.now;
  const global = options.corpus ? trainGlobalLayer(options.corpus) : getShippedGlobalLayer();
  const store = createUserCountsStore(options.db);

  return {
    threshold,
    score(message) {
      const counts = countTokens(tokenizeMessage(message));
      const user = store.readLayer(message.userId, [...counts.keys()], userWeight);
      const layers: CountLayer[] = user ? [global, user] : [global];
      return judgeMessage({ message, counts, layers, threshold });
    },
    learn(userId, message, label) {
      if (label !== 'spam' && label !== 'ham') throw new TypeError(`Expected the label to be 'spam' or 'ham', got ${String(label)}`);
      store.addMessage(userId, countTokens(tokenizeMessage(message)), label, clock());
    },
  };
}

function validateUnitInterval(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`Expected the \`${name}\` option to be a number from 0 to 1, got ${value}`);
  return value;
}

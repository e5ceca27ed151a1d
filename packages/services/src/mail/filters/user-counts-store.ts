import type { SqliteDatabase } from '../../kit/sqlite.js';
import type { ClassCounts, CountLayer, SpamLabel } from './naive-bayes.js';

/** The per-user counts of the spam filter, in the mail database (tables of `spamMigrations`). */
export interface UserCountsStore {
  /**
   * The user's own layer, limited to the given tokens, or undefined when the user never marked a
   * message.
   */
  readLayer(userId: string, tokens: readonly string[], weight: number): CountLayer | undefined;
  /** Adds one marked message's token counts to the user's layer, in one transaction. */
  addMessage(userId: string, counts: ReadonlyMap<string, number>, label: SpamLabel, now: number): void;
}

interface TotalsRow {
  spam_messages: number;
  ham_messages: number;
  spam_tokens: number;
  ham_tokens: number;
  vocabulary: number;
}

/** Prepares the statements once over a database migrated with `spamMigrations`. */
export function createUserCountsStore(db: SqliteDatabase): UserCountsStore {
  const selectTotals = db.prepare<[string], TotalsRow>(
    'SELECT spam_messages, ham_messages, spam_tokens, ham_tokens, vocabulary FROM spam_user_totals WHERE user_id = ?',
  );
  // One round trip for all of a message's tokens: they are passed as a JSON array.
  const selectTokens = db.prepare<[string, string], { token: string; spam_count: number; ham_count: number }>(
    'SELECT token, spam_count, ham_count FROM spam_tokens WHERE user_id = ? AND token IN (SELECT value FROM json_each(?))',
  );
  // RETURNING tells a new token (its total equals what was just added) from a known one.
  const upsertToken = db.prepare<[string, string, number, number, number], { total: number }>(
    `INSERT INTO spam_tokens (user_id, token, spam_count, ham_count, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, token) DO UPDATE SET spam_count = spam_count + excluded.spam_count,
       ham_count = ham_count + excluded.ham_count, updated_at = excluded.updated_at
     RETURNING spam_count + ham_count AS total`,
  );
  const upsertTotals = db.prepare<[string, number, number, number, number, number, number]>(
    `INSERT INTO spam_user_totals (user_id, spam_messages, ham_messages, spam_tokens, ham_tokens, vocabulary, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET spam_messages = spam_messages + excluded.spam_messages,
       ham_messages = ham_messages + excluded.ham_messages, spam_tokens = spam_tokens + excluded.spam_tokens,
       ham_tokens = ham_tokens + excluded.ham_tokens, vocabulary = vocabulary + excluded.vocabulary,
       updated_at = excluded.updated_at`,
  );

  const addMessage = db.transaction((userId: string, counts: ReadonlyMap<string, number>, label: SpamLabel, now: number) => {
    let occurrences = 0;
    let added = 0;
    for (const [token, count] of counts) {
      const spam = label === 'spam' ? count : 0;
      const row = upsertToken.get(userId, token, spam, count - spam, now);
      if (row?.total === count) added += 1;
      occurrences += count;
    }
    const isSpam = label === 'spam' ? 1 : 0;
    upsertTotals.run(userId, isSpam, 1 - isSpam, occurrences * isSpam, occurrences * (1 - isSpam), added, now);
  });

  return {
    readLayer(userId, tokens, weight) {
      const totals = selectTotals.get(userId);
      if (!totals) return undefined;
      const found = new Map<string, ClassCounts>();
      for (const row of selectTokens.all(userId, JSON.stringify(tokens))) {
        found.set(row.token, { spam: row.spam_count, ham: row.ham_count });
      }
      return {
        lookup: (token) => found.get(token),
        messages: { spam: totals.spam_messages, ham: totals.ham_messages },
        totals: { spam: totals.spam_tokens, ham: totals.ham_tokens },
        vocabulary: totals.vocabulary,
        weight,
      };
    },
    addMessage: (userId, counts, label, now) => addMessage(userId, counts, label, now),
  };
}

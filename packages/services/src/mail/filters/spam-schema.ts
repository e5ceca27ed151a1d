/**
 * SQL of the spam filter's tables, which the mail store appends to its own migrations (tracked
 * by `PRAGMA user_version`). Only append. Each script uses `IF NOT EXISTS`, so it stays harmless
 * if the mail store's own list ever grows in front of it and it runs a second time.
 *
 * Only the users' own marks live here: the global model is trained in memory at start from the
 * shipped corpus.
 */
export const spamMigrations: readonly string[] = Object.freeze([
  `
  -- How often each token appeared in the messages a user marked as spam or as not spam.
  CREATE TABLE IF NOT EXISTS spam_tokens (
    user_id TEXT NOT NULL,
    token TEXT NOT NULL,
    spam_count INTEGER NOT NULL DEFAULT 0 CHECK (spam_count >= 0),
    ham_count INTEGER NOT NULL DEFAULT 0 CHECK (ham_count >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, token)
  ) STRICT, WITHOUT ROWID;

  -- Per-user totals: messages marked and token occurrences learned, per class.
  CREATE TABLE IF NOT EXISTS spam_user_totals (
    user_id TEXT PRIMARY KEY,
    spam_messages INTEGER NOT NULL DEFAULT 0,
    ham_messages INTEGER NOT NULL DEFAULT 0,
    spam_tokens INTEGER NOT NULL DEFAULT 0,
    ham_tokens INTEGER NOT NULL DEFAULT 0,
    vocabulary INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  ) STRICT;
  `,
]);

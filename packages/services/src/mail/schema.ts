import type { SqliteDatabase } from '../kit/sqlite.js';

/**
 * Migrations of `mail.db`, applied once each in order (tracked by `PRAGMA user_version`); the
 * spam filter's migrations are appended after these. Only append.
 *
 * Search design: a message id is `owner << 32 | sequence` (see `idRange`), so every user's
 * messages occupy one contiguous rowid range. The full-text index is contentless and keyed by
 * that id, so a search is `mail_fts MATCH ? AND rowid BETWEEN lo AND hi`: FTS5 seeks straight
 * into the user's range of every doclist and never reads another user's postings.
 */
export const mailMigrations: readonly string[] = Object.freeze([
  `
  -- One row per user that ever had mail or contacts: their number is the high part of their message ids.
  CREATE TABLE owners (
    num INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    next_seq INTEGER NOT NULL DEFAULT 1
  ) STRICT;

  -- What was sent, once per send however many copies were delivered.
  CREATE TABLE contents (
    id INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    to_list TEXT NOT NULL,
    cc_list TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    attachment_count INTEGER NOT NULL,
    size INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE attachments (
    content_id INTEGER NOT NULL REFERENCES contents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (content_id, position)
  ) STRICT;

  -- One copy per mailbox owner: the sender's in sent, each recipient's in inbox, spam or quarantine.
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    owner INTEGER NOT NULL REFERENCES owners (num),
    mailbox TEXT NOT NULL CHECK (mailbox IN ('inbox', 'sent', 'spam', 'trash', 'quarantine')),
    kind TEXT NOT NULL CHECK (kind IN ('mail', 'bounce', 'notice')),
    content_id INTEGER NOT NULL REFERENCES contents (id),
    -- JSON list, on the sender's copy only: bcc is never visible to anybody else.
    bcc_list TEXT,
    read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
    sent_at INTEGER NOT NULL,
    delivered_at INTEGER NOT NULL,
    attachment_count INTEGER NOT NULL,
    spam_score REAL,
    spam_flagged INTEGER CHECK (spam_flagged IN (0, 1)),
    spam_reasons TEXT,
    infected INTEGER NOT NULL DEFAULT 0 CHECK (infected IN (0, 1)),
    virus_reasons TEXT
  ) STRICT;
  CREATE INDEX messages_by_mailbox ON messages (owner, mailbox, id);
  CREATE INDEX messages_by_content ON messages (content_id);

  CREATE TABLE mailbox_counts (
    owner INTEGER NOT NULL,
    mailbox TEXT NOT NULL,
    total INTEGER NOT NULL,
    unread INTEGER NOT NULL,
    PRIMARY KEY (owner, mailbox)
  ) STRICT, WITHOUT ROWID;

  CREATE VIRTUAL TABLE mail_fts USING fts5 (
    sender, recipients, subject, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
  );

  CREATE TRIGGER messages_counted AFTER INSERT ON messages BEGIN
    INSERT INTO mailbox_counts (owner, mailbox, total, unread) VALUES (NEW.owner, NEW.mailbox, 1, NEW.read = 0)
    ON CONFLICT (owner, mailbox) DO UPDATE SET total = total + 1, unread = unread + (NEW.read = 0);
  END;

  CREATE TRIGGER messages_recounted AFTER UPDATE OF mailbox, read ON messages BEGIN
    UPDATE mailbox_counts SET total = total - 1, unread = unread - (OLD.read = 0) WHERE owner = OLD.owner AND mailbox = OLD.mailbox;
    INSERT INTO mailbox_counts (owner, mailbox, total, unread) VALUES (NEW.owner, NEW.mailbox, 1, NEW.read = 0)
    ON CONFLICT (owner, mailbox) DO UPDATE SET total = total + 1, unread = unread + (NEW.read = 0);
  END;

  -- Deleting a copy for good drops it from the index, and the content once no copy is left.
  CREATE TRIGGER messages_removed AFTER DELETE ON messages BEGIN
    UPDATE mailbox_counts SET total = total - 1, unread = unread - (OLD.read = 0) WHERE owner = OLD.owner AND mailbox = OLD.mailbox;
    DELETE FROM mail_fts WHERE rowid = OLD.id;
    DELETE FROM contents WHERE id = OLD.content_id AND NOT EXISTS (SELECT 1 FROM messages WHERE content_id = OLD.content_id);
  END;

  CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, name_key)
  ) STRICT;

  CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, name_key)
  ) STRICT;

  -- Removing a contact removes it from every group (cascade).
  CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (group_id, contact_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX group_members_by_contact ON group_members (contact_id);
  `,
]);

/**
 * Adds `contents.sender_id` (the sending user, for `from.userId`) where it is missing, filled for
 * mail sent before from the sender's own copy (the one with a bcc list). Outside the numbered
 * migrations, like kit/events' table: the spam filter's scripts follow mail's in one
 * `user_version`, so a numbered script appended here would be skipped on a database migrated
 * before it. Idempotent; instances opening the file at once take turns (IMMEDIATE).
 */
export function ensureSenderIds(db: SqliteDatabase): void {
  const add = db.transaction(() => {
    const columns = db.prepare<[], string>("SELECT name FROM pragma_table_info('contents')").pluck().all();
    if (columns.includes('sender_id')) return;
    db.exec(`
      ALTER TABLE contents ADD COLUMN sender_id TEXT;
      UPDATE contents SET sender_id = (
        SELECT o.user_id FROM messages m JOIN owners o ON o.num = m.owner
        WHERE m.content_id = contents.id AND m.kind = 'mail' AND m.bcc_list IS NOT NULL LIMIT 1
      );
    `);
  });
  add.immediate();
}

/** Bits of a message id below the owner number. */
const sequenceBits = 2 ** 32;

/** The id range of one owner's messages (both ends included). */
export function idRange(ownerNum: number): { readonly lo: number; readonly hi: number } {
  return { lo: ownerNum * sequenceBits, hi: ownerNum * sequenceBits + (sequenceBits - 1) };
}

/** The id of an owner's message number `sequence`. */
export function messageId(ownerNum: number, sequence: number): number {
  return ownerNum * sequenceBits + sequence;
}

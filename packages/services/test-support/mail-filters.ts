import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../src/kit/sqlite.js';
import { spamMigrations } from '../src/mail/filters/spam-schema.js';
import type { SpamMessage } from '../src/mail/filters/spam-types.js';

/** A plain message from a colleague; override what a test is about. */
export function makeMessage(overrides: Partial<SpamMessage> = {}): SpamMessage {
  return {
    from: '"Ana Silva" <ana@example.org>',
    to: ['bo@topolab.test'],
    subject: 'Notes from the planning meeting',
    body: 'Hi, the notes from our planning meeting are in the shared doc. Let us review them on Thursday.',
    attachments: [],
    userId: 'user-bo',
    ...overrides,
  };
}

/** A fresh mail database in its own temp dir with the spam tables, closed and removed after the test. */
export function openSpamTestDatabase(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-spam-'));
  const db = openDatabase(join(dir, 'mail.db'), { migrations: spamMigrations });
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

import { openDatabase, type SqliteDatabase } from '../kit/sqlite.js';
import { createAccountStore, type AccountStore } from './account-store.js';
import { createContactStore, type ContactStore } from './contact-store.js';
import { createMessageStore, type MessageStore } from './message-store.js';
import { createOwners } from './owners.js';
import { ensureSenderIds, mailMigrations } from './schema.js';
import { createSearchStore, type SearchStore } from './search-store.js';

/** The file name of the database every mail instance of a data dir shares. */
export const mailDatabaseFile = 'mail.db';

/** Mail's data: messages and their index, contacts and groups; statements prepared once. */
export interface MailStore extends MessageStore, ContactStore, SearchStore, AccountStore {
  /** The open database, for the spam filter's own tables (migrated with the store). */
  readonly db: SqliteDatabase;
  /** Throws when the database cannot answer `SELECT 1`. */
  ping(): void;
  close(): void;
}

/** Options of openMailStore. */
export interface OpenMailStoreOptions {
  /** Migrations appended after mail's own (the spam filter's `spamMigrations`). @default [] */
  readonly extraMigrations?: readonly string[];
}

/** Opens (creating and migrating) a mail database file; several instances may share it (WAL). */
export function openMailStore(file: string, options: OpenMailStoreOptions = {}): MailStore {
  const db = openDatabase(file, { migrations: [...mailMigrations, ...(options.extraMigrations ?? [])] });
  ensureSenderIds(db);
  const ping = db.prepare('SELECT 1').pluck();
  const owners = createOwners(db);
  return {
    db,
    ...createMessageStore(db, owners),
    ...createAccountStore(db, owners),
    ...createContactStore(db),
    ...createSearchStore(db),
    ping: () => void ping.get(),
    close: () => db.close(),
  };
}

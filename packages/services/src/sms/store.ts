import { openDatabase, type SqliteDatabase, type SqliteStore } from '../kit/sqlite.js';
import type { TemplateName } from './templates.js';

/** One SMS as the recipient's phone shows it. */
export interface SmsMessage {
  readonly id: number;
  /** Epoch ms when it was sent. */
  readonly time: number;
  readonly type: TemplateName;
  readonly to: string;
  readonly userId?: string;
  readonly text: string;
}

/** Where sent messages are kept. */
export interface SmsStore extends SqliteStore {
  insert(message: Omit<SmsMessage, 'id'>): SmsMessage;
  /** Newest first. */
  listTo(to: string, limit: number): SmsMessage[];
  /** Newest first, any recipient. */
  listRecent(limit: number): SmsMessage[];
  /** Deletes every message sent to the user (`user.deleted`); answers how many went. */
  deleteUser(userId: string): { messages: number };
}

const migrations = [
  `CREATE TABLE messages (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     type TEXT NOT NULL,
     to_number TEXT NOT NULL,
     user_id TEXT,
     text TEXT NOT NULL
   );
   CREATE INDEX messages_to_time ON messages (to_number, id DESC);`,
  `CREATE INDEX messages_by_user ON messages (user_id) WHERE user_id IS NOT NULL;`,
];

interface Row {
  id: number;
  time: number;
  type: TemplateName;
  to_number: string;
  user_id: string | null;
  text: string;
}

const toMessage = (row: Row): SmsMessage => ({
  id: row.id,
  time: row.time,
  type: row.type,
  to: row.to_number,
  ...(row.user_id === null ? {} : { userId: row.user_id }),
  text: row.text,
});

/** Opens the SMS database (`<dataDir>/sms.db`). */
export function openSmsStore(file: string): SmsStore {
  const db: SqliteDatabase = openDatabase(file, { migrations });
  const insert = db.prepare<[number, string, string, string | null, string]>(
    'INSERT INTO messages (time, type, to_number, user_id, text) VALUES (?, ?, ?, ?, ?)',
  );
  const listTo = db.prepare<[string, number], Row>('SELECT * FROM messages WHERE to_number = ? ORDER BY id DESC LIMIT ?');
  const listRecent = db.prepare<[number], Row>('SELECT * FROM messages ORDER BY id DESC LIMIT ?');
  const removeUser = db.prepare<[string]>('DELETE FROM messages WHERE user_id = ?');
  const ping = db.prepare('SELECT 1');
  return {
    insert(message) {
      const { lastInsertRowid } = insert.run(message.time, message.type, message.to, message.userId ?? null, message.text);
      return { id: Number(lastInsertRowid), ...message };
    },
    listTo: (to, limit) => listTo.all(to, limit).map(toMessage),
    listRecent: (limit) => listRecent.all(limit).map(toMessage),
    deleteUser: (userId) => ({ messages: removeUser.run(userId).changes }),
    db,
    ping: () => ping.get() !== undefined,
    close: () => db.close(),
  };
}

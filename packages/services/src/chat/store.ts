import type { ChatMessage, ChatRoom } from '../contract/chat-api.js';
import { openDatabase, type SqliteStore } from '../kit/sqlite.js';

/** The file of the chat database in the data dir, shared by every chat instance. */
export const chatDatabaseFile = 'chat.db';

/** Who a deleted user's messages are from, in history: their text is gone too. */
export const deletedChatUser = Object.freeze({ userId: 'deleted-user', text: '[deleted]' });

/** A page of history to read. */
export interface HistoryQuery {
  /** Only messages with a smaller id (the page before). @default the newest */
  readonly before?: number;
  readonly limit: number;
}

/** Rooms and their messages, one WAL database shared by every chat instance. */
export interface ChatStore extends SqliteStore {
  listRooms(): ChatRoom[];
  /** Undefined when the name is taken. */
  createRoom(name: string, userId: string, now: number): ChatRoom | undefined;
  hasRoom(name: string): boolean;
  /** Stores a message; undefined when the room does not exist. */
  addMessage(room: string, from: string, text: string, now: number): ChatMessage | undefined;
  /** Removes a message the bus did not take (its sender was told it was not sent). */
  deleteMessage(id: number): void;
  /** The newest `limit` messages of `room` (before `before`), oldest first. */
  history(room: string, query: HistoryQuery): ChatMessage[];
  /**
   * Anonymises a deleted user in history (`user.deleted`): their messages stay in place, from
   * `deletedChatUser.userId` with the text `deletedChatUser.text`, and the rooms they created
   * have no creator. Answers how many messages and rooms changed.
   */
  anonymiseUser(userId: string): { messages: number; rooms: number };
}

const migrations = [
  `CREATE TABLE rooms (
     name TEXT PRIMARY KEY,
     created_by TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE messages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
     user_id TEXT NOT NULL,
     text TEXT NOT NULL,
     time INTEGER NOT NULL
   );
   CREATE INDEX messages_by_room ON messages (room, id);
   INSERT INTO rooms (name, created_by, created_at) VALUES ('lobby', NULL, 0);`,
  // A deleted user's messages are found by user.
  `CREATE INDEX messages_by_user ON messages (user_id);`,
  // The open sockets of every instance, so the per-user cap holds across instances (socket-quota.ts).
  `CREATE TABLE sockets (
     instance TEXT NOT NULL,
     connection INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     seen_at INTEGER NOT NULL,
     PRIMARY KEY (instance, connection)
   );
   CREATE INDEX sockets_by_user ON sockets (user_id);`,
];

interface RoomRow {
  name: string;
  created_by: string | null;
  created_at: number;
}

interface MessageRow {
  id: number;
  room: string;
  user_id: string;
  text: string;
  time: number;
}

const toRoom = (row: RoomRow): ChatRoom => ({ name: row.name, createdBy: row.created_by, createdAt: row.created_at });
const toMessage = (row: MessageRow): ChatMessage => ({ id: row.id, room: row.room, from: row.user_id, text: row.text, time: row.time });

/** Opens the chat database (`<dataDir>/chat.db`); safe to open from several instances. The room `lobby` always exists. */
export function openChatStore(file: string): ChatStore {
  const db = openDatabase(file, { migrations });
  const selectRooms = db.prepare<[], RoomRow>('SELECT * FROM rooms ORDER BY name');
  const selectRoom = db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE name = ?');
  const insertRoom = db.prepare<[string, string, number]>('INSERT INTO rooms (name, created_by, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
  // One statement: a room that does not exist stores nothing (no row returned).
  const insertMessage = db.prepare<[string, string, number, string], MessageRow>('INSERT INTO messages (room, user_id, text, time) SELECT name, ?, ?, ? FROM rooms WHERE name = ? RETURNING *');
  const deleteMessage = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
  const selectPage = db.prepare<[string, number, number], MessageRow>('SELECT * FROM messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?');
  const anonymiseMessages = db.prepare<[string, string, string]>('UPDATE messages SET user_id = ?, text = ? WHERE user_id = ?');
  const anonymiseRooms = db.prepare<[string]>('UPDATE rooms SET created_by = NULL WHERE created_by = ?');
  const ping = db.prepare('SELECT 1');

  return {
    listRooms: () => selectRooms.all().map(toRoom),
    createRoom(name, userId, now) {
      const { changes } = insertRoom.run(name, userId, now);
      return changes === 1 ? toRoom(selectRoom.get(name)!) : undefined;
    },
    hasRoom: (name) => selectRoom.get(name) !== undefined,
    addMessage(room, from, text, now) {
      const row = insertMessage.get(from, text, now, room);
      return row ? toMessage(row) : undefined;
    },
    deleteMessage(id) {
      deleteMessage.run(id);
    },
    history(room, query) {
      return selectPage.all(room, query.before ?? Number.MAX_SAFE_INTEGER, query.limit).reverse().map(toMessage);
    },
    anonymiseUser: (userId) => ({
      messages: anonymiseMessages.run(deletedChatUser.userId, deletedChatUser.text, userId).changes,
      rooms: anonymiseRooms.run(userId).changes,
    }),
    db,
    ping: () => ping.get() !== undefined,
    close: () => db.close(),
  };
}

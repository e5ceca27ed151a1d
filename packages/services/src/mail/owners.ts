import type { SqliteDatabase } from '../kit/sqlite.js';
import { idRange, messageId } from './schema.js';

/** Maps user ids to owner numbers, the high part of their message ids. */
export interface Owners {
  /** The owner number of a user; undefined when they never had mail. */
  find(userId: string): number | undefined;
  /** The owner number of a user, created on first use (inside the caller's write transaction). */
  ensure(userId: string): number;
  /** The next message id of an owner (inside the caller's write transaction). */
  nextId(ownerNum: number): number;
  /** Whether `id` lies in the owner's range. */
  owns(ownerNum: number, id: number): boolean;
}

/** Prepares the owner statements on `db`. */
export function createOwners(db: SqliteDatabase): Owners {
  const find = db.prepare<[string], number>('SELECT num FROM owners WHERE user_id = ?').pluck();
  const insert = db.prepare<[string]>('INSERT INTO owners (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING');
  const bump = db.prepare<[number], number>('UPDATE owners SET next_seq = next_seq + 1 WHERE num = ? RETURNING next_seq - 1').pluck();
  return {
    find: (userId) => find.get(userId),
    ensure(userId) {
      insert.run(userId);
      return find.get(userId)!;
    },
    nextId: (ownerNum) => messageId(ownerNum, bump.get(ownerNum)!),
    owns(ownerNum, id) {
      const { lo, hi } = idRange(ownerNum);
      return id >= lo && id <= hi;
    },
  };
}

import type { SqliteDatabase } from '../kit/sqlite.js';
import { addressOf } from './addresses.js';
import type { Owners } from './owners.js';

/**
 * How a deleted user appears as the sender of the mail they sent to others: the name
 * `Deleted user` at an address of the reserved `.invalid` domain (RFC 2606), which no mailbox
 * has, so a reply bounces instead of reaching whoever registers the username next.
 */
export const deletedSender = Object.freeze({ address: 'deleted-user@topolab.invalid', name: 'Deleted user' });

/** What `deleteUser` removed or changed, by kind (counts only; a type, so it passes for an event's effect). */
export type DeletedMailbox = {
  /** Copies in the user's own mailboxes. */
  readonly messages: number;
  readonly contacts: number;
  readonly groups: number;
  /** Copies in other mailboxes whose sender now shows as `deletedSender`. */
  readonly anonymised: number;
};

/** Changes that follow a user's account (domain events from auth). */
export interface AccountStore {
  /**
   * Deletes a user's mailbox: every copy they own (the index and unshared contents follow),
   * their contacts, groups and spam-filter marks; the mail they sent stays in its recipients'
   * mailboxes from `deletedSender`. Their owner number is kept, so message ids are never reused.
   */
  deleteUser(userId: string, username: string): DeletedMailbox;
  /** Shows the user's new first name on every copy of the mail they sent (and indexes it); answers how many copies changed. */
  renameSender(userId: string, username: string, firstName: string): { messages: number };
}

interface CopyRow {
  id: number;
  bcc_list: string | null;
  to_list: string;
  cc_list: string;
  subject: string;
  body: string;
}

const hasTable = (db: SqliteDatabase, name: string) => db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;

/** Prepares the account statements on `db`; run them inside a write transaction (the event consumer's). */
export function createAccountStore(db: SqliteDatabase, owners: Pick<Owners, 'find'>): AccountStore {
  // Mail sent by the user: by id, or by address for mail stored before contents had one.
  const sentBy = '(c.sender_id = @userId OR (c.sender_id IS NULL AND c.sender = @address))';
  const s = {
    removeCopies: db.prepare<[number]>('DELETE FROM messages WHERE owner = ?'),
    removeCounts: db.prepare<[number]>('DELETE FROM mailbox_counts WHERE owner = ?'),
    removeGroups: db.prepare<[string]>('DELETE FROM groups WHERE user_id = ?'),
    removeContacts: db.prepare<[string]>('DELETE FROM contacts WHERE user_id = ?'),
    copiesSentBy: db.prepare<{ userId: string; address: string }, CopyRow>(
      `SELECT m.id, m.bcc_list, c.to_list, c.cc_list, c.subject, c.body FROM messages m JOIN contents c ON c.id = m.content_id WHERE ${sentBy}`,
    ),
    anonymise: db.prepare<{ userId: string; address: string; deletedAddress: string; deletedName: string }>(
      `UPDATE contents AS c SET sender = @deletedAddress, sender_name = @deletedName, sender_id = NULL WHERE ${sentBy}`,
    ),
    rename: db.prepare<{ userId: string; address: string; firstName: string }>(`UPDATE contents AS c SET sender_name = @firstName WHERE ${sentBy}`),
    unindex: db.prepare<[number]>('DELETE FROM mail_fts WHERE rowid = ?'),
    index: db.prepare<[number, string, string, string, string]>('INSERT INTO mail_fts (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)'),
  };
  const spam = hasTable(db, 'spam_tokens') && hasTable(db, 'spam_user_totals');
  const removeSpam = spam
    ? [db.prepare<[string]>('DELETE FROM spam_tokens WHERE user_id = ?'), db.prepare<[string]>('DELETE FROM spam_user_totals WHERE user_id = ?')]
    : [];

  // The contentless index holds the sender text of each copy: write it again with the new one (as message-store indexes it).
  const reindex = (copies: readonly CopyRow[], address: string, name: string) => {
    for (const copy of copies) {
      const visible = [...(JSON.parse(copy.to_list) as string[]), ...(JSON.parse(copy.cc_list) as string[])].join(' ');
      const bcc = copy.bcc_list ? (JSON.parse(copy.bcc_list) as string[]) : [];
      s.unindex.run(copy.id);
      s.index.run(copy.id, `${address} ${name}`, bcc.length ? `${visible} ${bcc.join(' ')}` : visible, copy.subject, copy.body);
    }
  };

  return {
    deleteUser(userId, username) {
      const address = addressOf(username);
      const owner = owners.find(userId);
      const messages = owner === undefined ? 0 : s.removeCopies.run(owner).changes;
      if (owner !== undefined) s.removeCounts.run(owner);
      const groups = s.removeGroups.run(userId).changes;
      const contacts = s.removeContacts.run(userId).changes;
      for (const statement of removeSpam) statement.run(userId);
      const copies = s.copiesSentBy.all({ userId, address });
      s.anonymise.run({ userId, address, deletedAddress: deletedSender.address, deletedName: deletedSender.name });
      reindex(copies, deletedSender.address, deletedSender.name);
      return { messages, contacts, groups, anonymised: copies.length };
    },
    renameSender(userId, username, firstName) {
      const address = addressOf(username);
      const copies = s.copiesSentBy.all({ userId, address });
      s.rename.run({ userId, address, firstName });
      reindex(copies, address, firstName);
      return { messages: copies.length };
    },
  };
}

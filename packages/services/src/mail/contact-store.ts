import type { SqliteDatabase } from '../kit/sqlite.js';
import type { Contact, Group } from './records.js';

/** Fields of a new contact. */
export interface ContactFields {
  readonly name: string;
  readonly address: string;
  readonly phone?: string | null | undefined;
}

/** What a contact or group name stands for when used as a recipient. */
export type NameTarget =
  | { readonly kind: 'contact'; readonly address: string }
  | { readonly kind: 'group'; readonly addresses: readonly string[] };

/** Why a write was refused. */
export type ContactWriteFailure = 'not-found' | 'name-taken';

/** Each user's contacts and groups; a user only ever reaches their own. */
export interface ContactStore {
  listContacts(userId: string): Contact[];
  getContact(userId: string, id: number): Contact | undefined;
  createContact(userId: string, fields: ContactFields, now: number): Contact | ContactWriteFailure;
  updateContact(userId: string, id: number, fields: Partial<ContactFields>, now: number): Contact | ContactWriteFailure;
  /** Also removes the contact from every group. */
  removeContact(userId: string, id: number): boolean;
  listGroups(userId: string): Group[];
  getGroup(userId: string, id: number): Group | undefined;
  createGroup(userId: string, fields: { readonly name: string; readonly memberIds: readonly number[] }, now: number): Group | ContactWriteFailure;
  updateGroup(userId: string, id: number, fields: { readonly name?: string; readonly memberIds?: readonly number[] }, now: number): Group | ContactWriteFailure;
  removeGroup(userId: string, id: number): boolean;
  /** The user's contact id for each reference (a contact id or a contact name), undefined where none matches. */
  findContacts(userId: string, refs: readonly (number | string)[]): (number | undefined)[];
  /** What each name (case-insensitive) stands for; names of neither a contact nor a group are absent. */
  resolveNames(userId: string, names: readonly string[]): Map<string, NameTarget>;
}

/** The case- and space-insensitive key of a contact or group name. */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

type ContactRow = { id: number; name: string; address: string; phone: string | null; created_at: number; updated_at: number };
type GroupRow = { id: number; name: string; created_at: number; updated_at: number };

/** Prepares the contact and group statements on `db`. */
export function createContactStore(db: SqliteDatabase): ContactStore {
  const s = {
    contacts: db.prepare<[string], ContactRow>('SELECT id, name, address, phone, created_at, updated_at FROM contacts WHERE user_id = ? ORDER BY name_key'),
    contact: db.prepare<[number, string], ContactRow>('SELECT id, name, address, phone, created_at, updated_at FROM contacts WHERE id = ? AND user_id = ?'),
    contactByKey: db.prepare<[string, string], ContactRow>('SELECT id, name, address, phone, created_at, updated_at FROM contacts WHERE user_id = ? AND name_key = ?'),
    groupByKey: db.prepare<[string, string], GroupRow>('SELECT id, name, created_at, updated_at FROM groups WHERE user_id = ? AND name_key = ?'),
    insertContact: db.prepare('INSERT INTO contacts (user_id, name, name_key, address, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    updateContact: db.prepare('UPDATE contacts SET name = ?, name_key = ?, address = ?, phone = ?, updated_at = ? WHERE id = ? AND user_id = ?'),
    removeContact: db.prepare<[number, string]>('DELETE FROM contacts WHERE id = ? AND user_id = ?'),
    groups: db.prepare<[string], GroupRow>('SELECT id, name, created_at, updated_at FROM groups WHERE user_id = ? ORDER BY name_key'),
    group: db.prepare<[number, string], GroupRow>('SELECT id, name, created_at, updated_at FROM groups WHERE id = ? AND user_id = ?'),
    members: db.prepare<[number], { id: number; name: string; address: string }>(
      'SELECT c.id, c.name, c.address FROM group_members g JOIN contacts c ON c.id = g.contact_id WHERE g.group_id = ? ORDER BY g.position',
    ),
    insertGroup: db.prepare('INSERT INTO groups (user_id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    renameGroup: db.prepare('UPDATE groups SET name = ?, name_key = ?, updated_at = ? WHERE id = ? AND user_id = ?'),
    touchGroup: db.prepare('UPDATE groups SET updated_at = ? WHERE id = ?'),
    clearMembers: db.prepare<[number]>('DELETE FROM group_members WHERE group_id = ?'),
    addMember: db.prepare('INSERT INTO group_members (group_id, contact_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    removeGroup: db.prepare<[number, string]>('DELETE FROM groups WHERE id = ? AND user_id = ?'),
  };
  // IMMEDIATE: the name check and the write must not interleave with another instance's.
  const write = db.transaction(<T>(fn: () => T): T => fn());
  const inTransaction = <T>(fn: () => T): T => write.immediate(fn) as T;

  const toContact = (row: ContactRow): Contact => ({ id: row.id, name: row.name, address: row.address, phone: row.phone, createdAt: row.created_at, updatedAt: row.updated_at });
  const toGroup = (row: GroupRow): Group => ({ id: row.id, name: row.name, members: s.members.all(row.id), createdAt: row.created_at, updatedAt: row.updated_at });
  /** Whether `key` names another contact or group of the user than the one being written. */
  const nameTaken = (userId: string, key: string, self?: { kind: 'contact' | 'group'; id: number }) => {
    const contact = s.contactByKey.get(userId, key);
    const group = s.groupByKey.get(userId, key);
    return (contact !== undefined && !(self?.kind === 'contact' && self.id === contact.id)) || (group !== undefined && !(self?.kind === 'group' && self.id === group.id));
  };
  const setMembers = (groupId: number, memberIds: readonly number[]) => {
    s.clearMembers.run(groupId);
    memberIds.forEach((contactId, position) => s.addMember.run(groupId, contactId, position));
  };

  return {
    listContacts: (userId) => s.contacts.all(userId).map(toContact),
    getContact(userId, id) {
      const row = s.contact.get(id, userId);
      return row ? toContact(row) : undefined;
    },
    createContact: (userId, fields, now) =>
      inTransaction(() => {
        const key = nameKey(fields.name);
        if (nameTaken(userId, key)) return 'name-taken';
        const id = Number(s.insertContact.run(userId, fields.name.trim(), key, fields.address, fields.phone ?? null, now, now).lastInsertRowid);
        return toContact(s.contact.get(id, userId)!);
      }),
    updateContact: (userId, id, fields, now) =>
      inTransaction(() => {
        const row = s.contact.get(id, userId);
        if (!row) return 'not-found';
        const name = fields.name?.trim() ?? row.name;
        if (nameTaken(userId, nameKey(name), { kind: 'contact', id })) return 'name-taken';
        const phone = fields.phone === undefined ? row.phone : fields.phone;
        s.updateContact.run(name, nameKey(name), fields.address ?? row.address, phone, now, id, userId);
        return toContact(s.contact.get(id, userId)!);
      }),
    removeContact: (userId, id) => s.removeContact.run(id, userId).changes === 1,
    listGroups: (userId) => s.groups.all(userId).map(toGroup),
    getGroup(userId, id) {
      const row = s.group.get(id, userId);
      return row ? toGroup(row) : undefined;
    },
    createGroup: (userId, fields, now) =>
      inTransaction(() => {
        const key = nameKey(fields.name);
        if (nameTaken(userId, key)) return 'name-taken';
        const id = Number(s.insertGroup.run(userId, fields.name.trim(), key, now, now).lastInsertRowid);
        setMembers(id, fields.memberIds);
        return toGroup(s.group.get(id, userId)!);
      }),
    updateGroup: (userId, id, fields, now) =>
      inTransaction(() => {
        if (!s.group.get(id, userId)) return 'not-found';
        if (fields.name !== undefined) {
          if (nameTaken(userId, nameKey(fields.name), { kind: 'group', id })) return 'name-taken';
          s.renameGroup.run(fields.name.trim(), nameKey(fields.name), now, id, userId);
        }
        if (fields.memberIds !== undefined) setMembers(id, fields.memberIds);
        s.touchGroup.run(now, id);
        return toGroup(s.group.get(id, userId)!);
      }),
    removeGroup: (userId, id) => s.removeGroup.run(id, userId).changes === 1,
    findContacts: (userId, refs) =>
      refs.map((ref) => (typeof ref === 'number' ? s.contact.get(ref, userId)?.id : s.contactByKey.get(userId, nameKey(ref))?.id)),
    resolveNames(userId, names) {
      const targets = new Map<string, NameTarget>();
      for (const name of names) {
        const key = nameKey(name);
        const contact = s.contactByKey.get(userId, key);
        if (contact) {
          targets.set(key, { kind: 'contact', address: contact.address });
          continue;
        }
        const group = s.groupByKey.get(userId, key);
        if (group) targets.set(key, { kind: 'group', addresses: s.members.all(group.id).map((member) => member.address) });
      }
      return targets;
    },
  };
}

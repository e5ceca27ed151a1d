import { openDatabase, type SqliteStore } from '../kit/sqlite.js';

/** What a user shows to others. */
export interface Profile {
  readonly userId: string;
  readonly displayName: string;
  readonly bio: string;
  readonly location: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** How a user wants the mail app to behave. */
export interface Preferences {
  /** BCP 47 tag, e.g. `en` or `pt-BR`. */
  readonly language: string;
  readonly theme: 'light' | 'dark' | 'system';
  /** Appended to outgoing mail. */
  readonly signature: string;
  readonly notifications: { readonly email: boolean; readonly sms: boolean };
}

/** The preferences of a user who never set any. */
export const defaultPreferences: Preferences = Object.freeze({
  language: 'en',
  theme: 'system',
  signature: '',
  notifications: Object.freeze({ email: true, sms: false }),
});

/** Fields a user may change. */
export type ProfileFields = Pick<Profile, 'displayName' | 'bio' | 'location'>;

/** Profiles and preferences, one WAL database shared by every profile instance. */
export interface ProfileStore extends SqliteStore {
  /** False when the user already has a profile. */
  create(userId: string, fields: ProfileFields, now: number): Profile | undefined;
  /** Undefined when the user has no profile. */
  update(userId: string, fields: Partial<ProfileFields>, now: number): Profile | undefined;
  get(userId: string): Profile | undefined;
  /** The profiles of those of `userIds` that have one, each once, in no particular order. */
  getMany(userIds: readonly string[]): Profile[];
  getPreferences(userId: string): Preferences;
  /** False when the user has no profile. */
  setPreferences(userId: string, preferences: Preferences, now: number): boolean;
  /** Deletes the user's profile and preferences (`user.deleted`); answers how many rows of each went. */
  deleteUser(userId: string): { profiles: number; preferences: number };
}

const migrations = [
  `CREATE TABLE profiles (
     user_id TEXT PRIMARY KEY,
     display_name TEXT NOT NULL,
     bio TEXT NOT NULL DEFAULT '',
     location TEXT NOT NULL DEFAULT '',
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE preferences (
     user_id TEXT PRIMARY KEY REFERENCES profiles (user_id) ON DELETE CASCADE,
     language TEXT NOT NULL,
     theme TEXT NOT NULL,
     signature TEXT NOT NULL,
     notify_email INTEGER NOT NULL,
     notify_sms INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
];

interface ProfileRow {
  user_id: string;
  display_name: string;
  bio: string;
  location: string;
  created_at: number;
  updated_at: number;
}

interface PreferencesRow {
  language: string;
  theme: Preferences['theme'];
  signature: string;
  notify_email: number;
  notify_sms: number;
}

const toProfile = (row: ProfileRow): Profile => ({
  userId: row.user_id,
  displayName: row.display_name,
  bio: row.bio,
  location: row.location,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Opens the profile database (`<dataDir>/profile.db`); safe to open from several instances. */
export function openProfileStore(file: string): ProfileStore {
  const db = openDatabase(file, { migrations });
  const insert = db.prepare<[string, string, string, string, number, number]>(
    'INSERT INTO profiles (user_id, display_name, bio, location, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING',
  );
  const select = db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE user_id = ?');
  // One statement for any number of ids: they travel as one JSON array.
  const selectMany = db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE user_id IN (SELECT value FROM json_each(?))');
  const patch = db.prepare<[string | null, string | null, string | null, number, string]>(
    `UPDATE profiles SET display_name = coalesce(?, display_name), bio = coalesce(?, bio), location = coalesce(?, location), updated_at = ?
     WHERE user_id = ?`,
  );
  const selectPreferences = db.prepare<[string], PreferencesRow>('SELECT * FROM preferences WHERE user_id = ?');
  const upsertPreferences = db.prepare<[string, string, string, string, number, number, number]>(
    `INSERT INTO preferences (user_id, language, theme, signature, notify_email, notify_sms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, theme = excluded.theme, signature = excluded.signature,
       notify_email = excluded.notify_email, notify_sms = excluded.notify_sms, updated_at = excluded.updated_at`,
  );
  const removePreferences = db.prepare<[string]>('DELETE FROM preferences WHERE user_id = ?');
  const removeProfile = db.prepare<[string]>('DELETE FROM profiles WHERE user_id = ?');
  const ping = db.prepare('SELECT 1');

  const get = (userId: string) => {
    const row = select.get(userId);
    return row ? toProfile(row) : undefined;
  };

  return {
    create(userId, fields, now) {
      const { changes } = insert.run(userId, fields.displayName, fields.bio, fields.location, now, now);
      return changes === 1 ? get(userId) : undefined;
    },
    update(userId, fields, now) {
      const { changes } = patch.run(fields.displayName ?? null, fields.bio ?? null, fields.location ?? null, now, userId);
      return changes === 1 ? get(userId) : undefined;
    },
    get,
    getMany: (userIds) => selectMany.all(JSON.stringify(userIds)).map(toProfile),
    getPreferences(userId) {
      const row = selectPreferences.get(userId);
      if (!row) return defaultPreferences;
      return {
        language: row.language,
        theme: row.theme,
        signature: row.signature,
        notifications: { email: row.notify_email === 1, sms: row.notify_sms === 1 },
      };
    },
    setPreferences(userId, p, now) {
      if (!select.get(userId)) return false;
      upsertPreferences.run(userId, p.language, p.theme, p.signature, p.notifications.email ? 1 : 0, p.notifications.sms ? 1 : 0, now);
      return true;
    },
    deleteUser(userId) {
      // Preferences first, so each count is its own (the profile's delete would cascade to them).
      const preferences = removePreferences.run(userId).changes;
      return { profiles: removeProfile.run(userId).changes, preferences };
    },
    db,
    ping: () => ping.get() !== undefined,
    close: () => db.close(),
  };
}

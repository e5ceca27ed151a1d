/**
 * Migrations of `auth.db`, applied once each in order (tracked by `PRAGMA user_version`).
 * Only append: instances of an older build may share the file.
 */
export const authMigrations: readonly string[] = Object.freeze([
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    phone TEXT NOT NULL,
    first_name TEXT NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    created_at INTEGER NOT NULL,
    verified_at INTEGER
  ) STRICT;

  -- One row per code sent; the newest row of (user, purpose) is the live one.
  CREATE TABLE otp_codes (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'login')),
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER,
    superseded_at INTEGER
  ) STRICT;
  CREATE INDEX otp_codes_by_user ON otp_codes (user_id, purpose, id);

  CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    revoked_at INTEGER
  ) STRICT;
  CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

  CREATE TABLE access_tokens (
    jti TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  CREATE INDEX access_tokens_by_family ON access_tokens (family_id);

  -- Secrets every instance must share: the OTP HMAC key and the token signing key.
  CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- The transactional outbox and event log (contract/events-api.ts): written in the transaction
  -- of the change it describes, published by the relay (event-relay.ts), never deleted.
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    occurred_at INTEGER NOT NULL,
    published_at INTEGER
  ) STRICT;
  CREATE INDEX events_unpublished ON events (seq) WHERE published_at IS NULL;

  -- The one relay (of any instance) publishing the outbox, until its lease expires.
  CREATE TABLE event_relay_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- Authenticator (TOTP) secrets (totp-store.ts): one per user, pending until confirmed by a
  -- first code. last_step is the newest accepted time step: a code of it or older is refused.
  CREATE TABLE totp_credentials (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER
  ) STRICT;

  -- A login of a TOTP user whose password step passed; the code step needs a live one.
  CREATE TABLE login_challenges (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  -- Failed logins per account name (login-throttle.ts), also for names no user has.
  CREATE TABLE login_throttle (
    account TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until INTEGER
  ) STRICT;
  CREATE INDEX login_throttle_by_age ON login_throttle (last_failure_at);
  `,
  `
  -- When the user logged in (password and second factor) for each token's family, epoch seconds:
  -- the access token's auth_time claim (RFC 9068 §2.2.1), kept across refreshes, which privileged
  -- changes read (reauth.ts). NULL on tokens issued before: those need the password again.
  ALTER TABLE access_tokens ADD COLUMN auth_time INTEGER;
  ALTER TABLE refresh_tokens ADD COLUMN auth_time INTEGER;

  -- When a code of last_step was accepted (epoch ms), for the simulated authenticator.
  ALTER TABLE totp_credentials ADD COLUMN last_used_at INTEGER;

  -- Single-use recovery codes of a user's authenticator (recovery-codes.ts): only their HMAC is kept.
  CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  ) STRICT;
  `,
]);

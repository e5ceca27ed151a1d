/** What a one-time code proves: a new account's phone number, or the second factor of a login. */
export type OtpPurpose = 'registration' | 'login';

/** A user as stored. */
export interface UserRecord {
  readonly id: string;
  /** Lower-case, unique. */
  readonly username: string;
  /** `scrypt$N$r$p$salt$hash`. */
  readonly passwordHash: string;
  /** E.164. */
  readonly phone: string;
  readonly firstName: string;
  /** True once the registration code was confirmed. */
  readonly verified: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A user to insert. */
export type NewUser = Omit<UserRecord, 'verified'>;

/** A one-time code as stored (only its HMAC, never the code). */
export interface CodeRecord {
  readonly id: number;
  readonly userId: string;
  readonly purpose: OtpPurpose;
  /** base64url HMAC-SHA256 of user, purpose and code. */
  readonly codeHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Wrong codes presented against this one. */
  readonly attempts: number;
  /** When the code was accepted; null while pending. */
  readonly usedAt: number | null;
  /** When a newer code replaced it; null while it is the newest. */
  readonly supersededAt: number | null;
}

/** A code to insert. */
export type NewCode = Pick<CodeRecord, 'userId' | 'purpose' | 'codeHash' | 'createdAt' | 'expiresAt'>;

/** How many codes of one user and purpose were created since a moment, and when the oldest of them was. */
export interface CodeWindow {
  readonly count: number;
  /** Epoch ms; undefined when `count` is 0. */
  readonly oldest: number | undefined;
}

/** A refresh token as stored (only its SHA-256). */
export interface RefreshRecord {
  /** base64url SHA-256 of the token. */
  readonly tokenHash: string;
  readonly userId: string;
  /** Every token issued from one login shares this id. */
  readonly familyId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** When it was exchanged for a new pair; null while unused. */
  readonly usedAt: number | null;
  readonly revokedAt: number | null;
  /** When the user logged in for this family (epoch seconds); null on tokens issued before it was kept. */
  readonly authTime: number | null;
}

/** A refresh token to insert. */
export type NewRefresh = Omit<RefreshRecord, 'usedAt' | 'revokedAt'>;

/** An issued access token, by its `jti`. */
export interface AccessRecord {
  readonly jti: string;
  readonly userId: string;
  readonly familyId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** When the user logged in for this family (epoch seconds, the `auth_time` claim); null on tokens issued before it was kept. */
  readonly authTime: number | null;
}

/** An access token to insert. */
export type NewAccess = Omit<AccessRecord, 'revokedAt'>;

/** An authenticator (TOTP, RFC 6238) secret of a user: pending until a first code confirms it. */
export interface TotpCredential {
  readonly userId: string;
  /** Base32, 20 random bytes. Kept as is: the authenticator and the check both need it. */
  readonly secret: string;
  /** When this secret was enrolled (epoch ms). */
  readonly createdAt: number;
  /** When a first code confirmed it; null while pending (login does not ask for it yet). */
  readonly confirmedAt: number | null;
  /** The newest time step a code was accepted for; codes of this step or older are refused. */
  readonly lastStep: number | null;
  /** When the code of `lastStep` was accepted (epoch ms); null before the first. */
  readonly lastUsedAt: number | null;
}

/** A login whose password step passed and whose authenticator code is awaited. */
export interface LoginChallenge {
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost of new hashes: N = 2^14, r = 8, p = 1 (16 MiB, the scrypt paper's interactive-login setting). */
const defaults = { N: 16_384, r: 8, p: 1 } as const;
const keyLength = 32;
const saltLength = 16;
// Stored hashes name their own cost; refusing absurd ones keeps a tampered row from exhausting memory.
const maxMemory = 64 * 1024 * 1024;

/** Options of hashPassword. */
export interface HashOptions {
  /** CPU/memory cost, a power of two. @default 16384 */
  readonly N?: number;
  /** Block size. @default 8 */
  readonly r?: number;
  /** Parallelism. @default 1 */
  readonly p?: number;
}

/** Hashes the NFKC form of a password with scrypt into `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashPassword(password: string, options: HashOptions = {}): Promise<string> {
  const params = { N: options.N ?? defaults.N, r: options.r ?? defaults.r, p: options.p ?? defaults.p };
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || 128 * N * r > maxMemory) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== keyLength) return false;
  const params = { N, r, p };
  if (timingSafeEqual(await derive(password, salt, params), expected)) return true;
  // Hashes made before the switch to NFKC are of the NFC form, so that form is tried too. This cannot
  // accept a wrong password for an NFKC hash: if NFC(x) were the NFKC form of the registered password,
  // so would NFKC(x) be, and it was just refused. Only passwords NFKC changes pay a second scrypt.
  const nfc = password.normalize('NFC');
  return nfc !== password.normalize('NFKC') && timingSafeEqual(await scryptOf(nfc, salt, params), expected);
}

// One dummy hash per cost: the one of the new hashes a service makes (its users' cost).
const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the same time as verifying a real password, for a user that does not exist, so the
 * answer time does not tell who has an account: the dummy hash has the cost `options` gives new
 * hashes (the service's own, as hashPassword is given). Always resolves false.
 */
export async function verifyDummyPassword(password: string, options: HashOptions = {}): Promise<false> {
  const params = { N: options.N ?? defaults.N, r: options.r ?? defaults.r, p: options.p ?? defaults.p };
  const key = `${params.N}$${params.r}$${params.p}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) dummyHashes.set(key, (dummy = hashPassword(randomBytes(16).toString('base64url'), params)));
  await verifyPassword(password, await dummy);
  return false;
}

/** The key of a password: NFKC first, as NIST SP 800-63B-4 §3.1.1.2 advises, so `ﬁ` and `fi` are one password. */
function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return scryptOf(password.normalize('NFKC'), salt, options);
}

function scryptOf(text: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(text, salt, keyLength, { ...options, maxmem: maxMemory + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

import { createPrivateKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  clientSecretFor,
  ed25519KeyPair,
  envNames,
  formatInstanceId,
  generateEd25519KeyPair,
  grantedScopes,
  identityAssertionParts,
  platformAudiences,
  serviceTokenParts,
  serviceTokenTtlS,
  topologySecretEnv,
  type AssertionSubject,
  type Ed25519KeyPair,
  type ServiceSpec,
  type TopologySecret,
} from '@topolab/services/contract';
import { ensurePrivateDir, isPrivateMode, privateFileMode, writePrivateFile } from './private-files.js';

/** Where one topology's secrets live: `<data-dir>/secrets/`, 0700, every file 0600. */
export interface TopologySecrets {
  /** The folder. */
  readonly dir: string;
  /** The topology's client key (every client's secret derives from it); the runtime's own client secret too. */
  readonly clientKey: string;
  readonly authKey: Ed25519KeyPair;
  readonly identityKey: Ed25519KeyPair;
  /**
   * The variables of one Node instance: its client id, its secret as a file, the public keys,
   * the folder of its platform tokens (written now), and the files of the topology secrets its
   * manifest entry names (`secrets`). Never a secret's value in the environment.
   */
  instanceEnv(spec: ServiceSpec, index: number): Record<string, string>;
  /** Writes every instance's platform tokens again (the runtime does this well before they expire). */
  refreshTokens(instances: readonly { readonly service: string; readonly index: number }[]): void;
  /** Signs an identity assertion with the gateways' key, as a gateway does (the bench's direct rows; tests). */
  assertIdentity(subject: AssertionSubject, ttlS?: number): Promise<string>;
}

/**
 * A compact JWS (RFC 7515) of `claims`, signed with an Ed25519 key by node:crypto. The runtime
 * signs what the services verify with jose; it does so itself because jose would cost the CLI
 * ~45 ms of CPU while the topology starts, and signing (unlike verifying) parses nothing untrusted.
 */
export function signJwt(header: object, claims: object, key: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** Auth's signing key: kept across runs in the data dir (users' tokens outlive a restart, as the CA does), created when missing. */
function loadOrCreateAuthKey(file: string): Ed25519KeyPair {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { x?: unknown; d?: unknown };
    if (typeof stored.x === 'string' && typeof stored.d === 'string') {
      // Refuses a file that is not an Ed25519 private key (createPrivateKey throws).
      createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: stored.x, d: stored.d }, format: 'jwk' });
      // One copied in, or left by an earlier run, may be wider than 0600: the key is the topology's most sensitive file.
      if (!isPrivateMode(statSync(file).mode)) chmodSync(file, privateFileMode);
      return ed25519KeyPair(stored.x, stored.d);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const created = generateEd25519KeyPair();
  writePrivateFile(file, `${JSON.stringify(created.privateJwk)}\n`);
  return created;
}

/** `profile-2`: the folder of one instance's files. */
const instanceFolder = (service: string, index: number) => `${service}-${index}`;

/**
 * Creates the topology's secrets in `<dataDir>/secrets/` the way a cluster's control plane does:
 * auth's signing key (kept across runs), a new identity key for the gateways and a new client key
 * per run, then per instance its client secret and its platform tokens (service tokens for the
 * registry, the bus and the cache, signed with auth's key like a Kubernetes projected
 * service-account token) — all files 0600 in 0700 folders, handed over by path, so no secret is
 * ever in an instance's environment (`/proc/<pid>/environ`) or on a command line.
 */
export function prepareTopologySecrets(dataDir: string): TopologySecrets {
  const dir = ensurePrivateDir(join(dataDir, 'secrets'));
  const files = { clientKey: join(dir, 'client-key'), authSigningKey: join(dir, 'auth-signing-key.jwk'), identityKey: join(dir, 'identity-key.jwk') } satisfies Record<TopologySecret, string>;
  const authKey = loadOrCreateAuthKey(files.authSigningKey);
  const identityKey = generateEd25519KeyPair();
  const clientKey = randomBytes(32).toString('base64url');
  writePrivateFile(files.clientKey, clientKey, { sync: false });
  writePrivateFile(files.identityKey, JSON.stringify(identityKey.privateJwk), { sync: false });
  const signingKey = createPrivateKey({ key: authKey.privateJwk, format: 'jwk' });
  const identitySigningKey = createPrivateKey({ key: identityKey.privateJwk, format: 'jwk' });
  const publicEnv = {
    [envNames.authPublicKey]: JSON.stringify(authKey.publicJwk),
    [envNames.identityPublicKey]: JSON.stringify(identityKey.publicJwk),
  };

  function writeTokens(service: string, index: number): string {
    const clientId = `${service}#${index}`;
    const folder = ensurePrivateDir(join(dir, 'instances', instanceFolder(service, index)));
    const iat = Math.floor(Date.now() / 1000);
    for (const audience of platformAudiences) {
      const scopes = grantedScopes(clientId, audience);
      if (scopes.length === 0) continue;
      const { header, claims } = serviceTokenParts({ clientId, audience, scopes, jti: randomUUID(), iat, exp: iat + serviceTokenTtlS }, authKey.publicJwk.kid);
      writePrivateFile(join(folder, `${audience}.jwt`), signJwt(header, claims, signingKey), { sync: false });
    }
    return folder;
  }

  return {
    dir,
    clientKey,
    authKey,
    identityKey,
    instanceEnv(spec, index) {
      const clientId = formatInstanceId(spec.name, index);
      const folder = writeTokens(spec.name, index);
      const secretFile = join(folder, 'client-secret');
      writePrivateFile(secretFile, clientSecretFor(clientKey, clientId), { sync: false });
      return {
        ...publicEnv,
        [envNames.clientId]: clientId,
        [`${envNames.clientSecret}_FILE`]: secretFile,
        [envNames.platformTokensDir]: folder,
        ...Object.fromEntries((spec.secrets ?? []).map((secret) => [`${topologySecretEnv[secret]}_FILE`, files[secret]])),
      };
    },
    refreshTokens(instances) {
      for (const { service, index } of instances) writeTokens(service, index);
    },
    async assertIdentity(subject, ttlS) {
      const { header, claims } = identityAssertionParts(subject, identityKey.privateJwk.kid, Math.floor(Date.now() / 1000), ttlS);
      return signJwt(header, claims, identitySigningKey);
    },
  };
}

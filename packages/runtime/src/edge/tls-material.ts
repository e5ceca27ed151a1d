import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgeNames } from '@topolab/services/contract';
import { ensurePrivateDir, writePrivateFile } from '../topology/private-files.js';
import { caPermittedNames, encodeNameConstraints, nameConstraintsExtensionDer, nameConstraintsOid } from './name-constraints.js';

/** The names the gateway's certificate is valid for: what a user types, and the topology's DNS name. */
const edgeCertificateNames = { dns: edgeNames.certificateDns, ip: edgeNames.certificateIps };

/** A local CA and the gateway certificate it issued, as files in the data dir. */
export interface TlsMaterial {
  /** `<dataDir>/tls/ca.pem`: what `curl --cacert` and the runtime's clients trust. */
  readonly caFile: string;
  /** The CA certificate, PEM. */
  readonly ca: string;
  /** `<dataDir>/tls/gateway.pem`: the gateway certificate followed by the CA (the chain a server sends). */
  readonly certFile: string;
  /** `<dataDir>/tls/gateway-key.pem`. Every file in `tls/` is 0600, the folder 0700. */
  readonly keyFile: string;
  /** The gateway certificate's end of validity. */
  readonly notAfter: Date;
  /** SHA-256 fingerprint of the CA, `AB:CD:…`. */
  readonly caFingerprint: string;
  /** Whether files of an earlier run were still valid and used again. */
  readonly reused: boolean;
}

/** Options of ensureTlsMaterial. */
export interface TlsMaterialOptions {
  /** Now, for validity checks and notBefore. @default new Date() */
  readonly now?: Date;
  /** How long a new gateway certificate is valid: short, for a lab; the CA re-issues it. @default 30 days */
  readonly certDays?: number;
  /** How long a new CA is valid (it can only certify the names of `caPermittedNames`). @default 365 days */
  readonly caDays?: number;
  /** A certificate with less left than this is issued again. @default 7 days */
  readonly renewBeforeDays?: number;
}

/** The files of `<dataDir>/tls`. */
interface TlsFiles {
  readonly caFile: string;
  readonly caKeyFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

const day = 86_400_000;
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
type WebCryptoKey = webcrypto.CryptoKey;
type WebCryptoKeyPair = webcrypto.CryptoKeyPair;
type X509 = typeof import('@peculiar/x509');
/** The CA a gateway certificate is issued by: its certificate and signing key. */
interface IssuingCa {
  readonly cert: InstanceType<X509['X509Certificate']>;
  readonly privateKey: WebCryptoKey;
}

// Computed once: a reused CA must carry exactly this critical extension.
const caNameConstraints = nameConstraintsExtensionDer(caPermittedNames);

/**
 * @peculiar/x509 builds X.509 certificates on WebCrypto (ECDSA P-256 keys in milliseconds, no
 * OpenSSL binary to find): Node's own crypto parses certificates but cannot issue them. Loaded
 * only when a certificate must be issued (its DI container needs reflect-metadata first).
 */
async function loadX509(): Promise<X509> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

/**
 * Returns the topology's TLS material from `<dataDir>/tls`, reusing what is there while the CA
 * and the gateway certificate are valid for long enough and cover every name of
 * `edgeCertificateNames`. Otherwise issues a gateway certificate (serverAuth, those SANs) with
 * the CA that is there when it is name-constrained and outlives the new certificate, else with
 * a new CA (CN "topolab local CA", basicConstraints CA pathLen 0, keyCertSign + cRLSign, and a
 * critical Name Constraints extension, RFC 5280 §4.2.1.10, permitting only `caPermittedNames`).
 */
export async function ensureTlsMaterial(dataDir: string, options: TlsMaterialOptions = {}): Promise<TlsMaterial> {
  const now = options.now ?? new Date();
  const dir = ensurePrivateDir(join(dataDir, 'tls'));
  const files: TlsFiles = { caFile: join(dir, 'ca.pem'), caKeyFile: join(dir, 'ca-key.pem'), certFile: join(dir, 'gateway.pem'), keyFile: join(dir, 'gateway-key.pem') };
  const certDays = options.certDays ?? 30;
  const existing = readExisting(files, now, (options.renewBeforeDays ?? 7) * day);
  if (existing) return { ...existing, reused: true };

  const x509 = await loadX509();
  // A CA trusted once (imported into a browser) stays trusted while it lives: only the short-lived leaf changes.
  const ca = (await readIssuingCa(x509, files, now, certDays * day)) ?? (await issueCa(x509, files, now, options.caDays ?? 365));
  await issueGatewayCertificate(x509, ca, files, now, certDays);
  const material = readExisting(files, now, 0);
  if (!material) throw new Error(`The TLS material just written to ${dir} does not verify.`);
  return { ...material, reused: false };
}

async function issueCa(x509: X509, files: TlsFiles, now: Date, days: number): Promise<IssuingCa> {
  const pair = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as WebCryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=topolab local CA, O=topolab',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + days * day),
    keys: pair,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(nameConstraintsOid, true, encodeNameConstraints(caPermittedNames)),
      await x509.SubjectKeyIdentifierExtension.create(pair.publicKey),
    ],
  });
  // Keys and certificates alike 0600: the user reads ca.pem (curl --cacert), nobody else needs to.
  writePrivateFile(files.caKeyFile, await privateKeyPem(pair.privateKey));
  writePrivateFile(files.caFile, `${cert.toString('pem')}\n`);
  return { cert, privateKey: pair.privateKey };
}

async function issueGatewayCertificate(x509: X509, ca: IssuingCa, files: TlsFiles, now: Date, days: number): Promise<void> {
  const pair = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as WebCryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=www.topolab.test, O=topolab',
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(Math.min(now.getTime() + days * day, ca.cert.notAfter.getTime())),
    publicKey: pair.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...edgeCertificateNames.dns.map((value) => ({ type: 'dns' as const, value })),
        ...edgeCertificateNames.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      await x509.SubjectKeyIdentifierExtension.create(pair.publicKey),
    ],
  });
  writePrivateFile(files.keyFile, await privateKeyPem(pair.privateKey));
  writePrivateFile(files.certFile, `${leaf.toString('pem')}\n${ca.cert.toString('pem')}\n`);
}

/** The CA in `files` when it is name-constrained as `caPermittedNames`, its key matches, and it is valid for longer than `atLeast` ms. */
async function readIssuingCa(x509: X509, files: TlsFiles, now: Date, atLeast: number): Promise<IssuingCa | undefined> {
  if (!existsSync(files.caFile) || !existsSync(files.caKeyFile)) return undefined;
  try {
    const pem = readFileSync(files.caFile, 'utf8');
    const key = createPrivateKey(readFileSync(files.caKeyFile, 'utf8'));
    const ca = new X509Certificate(pem);
    if (!isUsableCa(ca, now, atLeast) || !ca.checkPrivateKey(key)) return undefined;
    const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
    const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { cert: new x509.X509Certificate(pem), privateKey };
  } catch {
    return undefined;
  }
}

function isUsableCa(ca: X509Certificate, now: Date, atLeast: number): boolean {
  return ca.ca && isValidFor(ca, now, atLeast) && ca.raw.includes(caNameConstraints);
}

function isValidFor(cert: X509Certificate, now: Date, atLeast: number): boolean {
  return new Date(cert.validFrom) <= now && new Date(cert.validTo).getTime() - now.getTime() > atLeast;
}

function readExisting(files: TlsFiles, now: Date, renewBefore: number): Omit<TlsMaterial, 'reused'> | undefined {
  if (![files.caFile, files.caKeyFile, files.certFile, files.keyFile].every((file) => existsSync(file))) return undefined;
  try {
    const caPem = readFileSync(files.caFile, 'utf8');
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(readFileSync(files.certFile, 'utf8'));
    const key = createPrivateKey(readFileSync(files.keyFile, 'utf8'));
    if (!isUsableCa(ca, now, renewBefore) || !isValidFor(leaf, now, renewBefore)) return undefined;
    if (!leaf.verify(ca.publicKey) || !leaf.checkPrivateKey(key)) return undefined;
    if (!edgeCertificateNames.dns.every((name) => leaf.checkHost(name) !== undefined)) return undefined;
    if (!edgeCertificateNames.ip.every((ip) => leaf.checkIP(ip) !== undefined)) return undefined;
    return { caFile: files.caFile, ca: caPem, certFile: files.certFile, keyFile: files.keyFile, notAfter: new Date(leaf.validTo), caFingerprint: ca.fingerprint256 };
  } catch {
    return undefined;
  }
}

async function privateKeyPem(key: WebCryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** A positive 16-byte serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What `scripts/bundle.mjs` writes beside the bundles: which build of `dist/` they were made from. */
export interface BundleStamp {
  /** mtime (ms) of `packages/services/dist/.tsbuildinfo` when the bundles were made. */
  readonly buildInfoMtimeMs: number;
}

/** The file beside the bundles that says which build they came from. */
export const bundleStampFile = 'stamp.json';

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function readStamp(path: string): BundleStamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8')) as Partial<BundleStamp>;
    return typeof stamp.buildInfoMtimeMs === 'number' ? (stamp as BundleStamp) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one-file bundle of a service (`packages/services/bundle/<name>.mjs`) for its compiled
 * entry `packages/services/dist/<name>/main.js`, when the bundles were made from the current
 * build: `tsc -b` rewrites `dist/.tsbuildinfo` whenever it recompiles, so a stamp of another
 * mtime means code newer than the bundle, and the entry itself is run. Any other entry (a
 * fixture's, a program) is answered as it is.
 *
 * Why a bundle: a service spends most of its start loading hundreds of ESM files (zod alone
 * is about 100 ms); one file is resolved and compiled once.
 */
export function bundledEntry(entry: string): string {
  if (basename(entry) !== 'main.js') return entry;
  const serviceDir = dirname(entry);
  const distDir = dirname(serviceDir);
  if (basename(distDir) !== 'dist') return entry;
  const bundleDir = join(dirname(distDir), 'bundle');
  const bundle = join(bundleDir, `${basename(serviceDir)}.mjs`);
  const built = mtimeMs(join(distDir, '.tsbuildinfo'));
  if (built === undefined || mtimeMs(bundle) === undefined) return entry;
  return readStamp(join(bundleDir, bundleStampFile))?.buildInfoMtimeMs === built ? bundle : entry;
}

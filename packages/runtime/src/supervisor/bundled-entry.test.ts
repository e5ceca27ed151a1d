import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledEntry, bundleStampFile } from './bundled-entry.js';

describe('bundledEntry', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A services package: dist/cache/main.js and dist/.tsbuildinfo, and a bundle of it stamped with `stamp` (the build's own mtime when absent). */
  function servicesPackage(options: { bundle?: boolean; stamp?: number } = {}) {
    const root = mkdtempSync(join(tmpdir(), 'topolab-bundle-'));
    dirs.push(root);
    mkdirSync(join(root, 'dist', 'cache'), { recursive: true });
    const entry = join(root, 'dist', 'cache', 'main.js');
    writeFileSync(entry, '');
    writeFileSync(join(root, 'dist', '.tsbuildinfo'), '{}');
    const built = statSync(join(root, 'dist', '.tsbuildinfo')).mtimeMs;
    const bundle = join(root, 'bundle', 'cache.mjs');
    if (options.bundle !== false) {
      mkdirSync(join(root, 'bundle'));
      writeFileSync(bundle, '');
      writeFileSync(join(root, 'bundle', bundleStampFile), JSON.stringify({ buildInfoMtimeMs: options.stamp ?? built }));
    }
    return { root, entry, bundle };
  }

  it('runs the bundle when it was made from the current build', () => {
    const { entry, bundle } = servicesPackage();
    expect(bundledEntry(entry)).toBe(bundle);
  });

  it('runs the compiled entry once tsc rebuilt after the bundle (the stamp no longer matches)', () => {
    const { root, entry } = servicesPackage();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'dist', '.tsbuildinfo'), later, later);
    expect(bundledEntry(entry)).toBe(entry);
  });

  it('runs the compiled entry when there is no bundle, or no readable stamp', () => {
    const unbundled = servicesPackage({ bundle: false });
    expect(bundledEntry(unbundled.entry)).toBe(unbundled.entry);
    const { root, entry } = servicesPackage();
    writeFileSync(join(root, 'bundle', bundleStampFile), 'not json');
    expect(bundledEntry(entry)).toBe(entry);
  });

  it('leaves any other entry (a test fixture, a script) as it is', () => {
    expect(bundledEntry('/somewhere/fixtures/echo-service.js')).toBe('/somewhere/fixtures/echo-service.js');
    expect(bundledEntry('/somewhere/lib/cache/main.js')).toBe('/somewhere/lib/cache/main.js');
  });
});

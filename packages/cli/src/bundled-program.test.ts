import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledProgram } from './bundled-program.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A `packages/` tree with the three builds and, unless `bundle` is false, a bundle stamped with their mtimes. */
function packagesTree(options: { bundle?: boolean } = {}): { url: URL; root: string; stamp: (mtimes: Record<string, number>) => void } {
  const root = mkdtempSync(join(tmpdir(), 'topolab-bundle-'));
  dirs.push(root);
  for (const name of ['cli', 'runtime', 'services']) {
    mkdirSync(join(root, name, 'dist'), { recursive: true });
    writeFileSync(join(root, name, 'dist', '.tsbuildinfo'), '{}');
  }
  mkdirSync(join(root, 'cli', 'bundle'), { recursive: true });
  const stamp = (mtimes: Record<string, number>) => writeFileSync(join(root, 'cli', 'bundle', 'stamp.json'), JSON.stringify({ buildInfoMtimeMs: mtimes }));
  if (options.bundle !== false) {
    writeFileSync(join(root, 'cli', 'bundle', 'program.mjs'), 'export {};');
    stamp(Object.fromEntries(['cli', 'runtime', 'services'].map((name) => [name, statSync(join(root, name, 'dist', '.tsbuildinfo')).mtimeMs])));
  }
  return { url: pathToFileURL(`${root}/`), root, stamp };
}

describe('bundledProgram', () => {
  it('answers the bundle when its stamp names the current build of cli, runtime and services', () => {
    const tree = packagesTree();
    expect(bundledProgram(tree.url)?.href).toBe(new URL('cli/bundle/program.mjs', tree.url).href);
  });

  it('answers undefined once tsc -b rebuilt any of the three (a newer .tsbuildinfo), so dist runs', () => {
    for (const name of ['cli', 'runtime', 'services']) {
      const tree = packagesTree();
      const later = new Date(Date.now() + 5000);
      utimesSync(join(tree.root, name, 'dist', '.tsbuildinfo'), later, later);
      expect(bundledProgram(tree.url), `${name} rebuilt`).toBeUndefined();
    }
  });

  it('answers undefined without a bundle, a stamp, or with a stamp of another shape', () => {
    expect(bundledProgram(packagesTree({ bundle: false }).url)).toBeUndefined();
    const tree = packagesTree();
    tree.stamp({ cli: 1 });
    expect(bundledProgram(tree.url)).toBeUndefined();
    writeFileSync(join(tree.root, 'cli', 'bundle', 'stamp.json'), 'not json');
    expect(bundledProgram(tree.url)).toBeUndefined();
  });
});

#!/usr/bin/env node
// Bundles each service's compiled entry (packages/services/dist/<name>/main.js, from `tsc -b`)
// into one ESM file, packages/services/bundle/<name>.mjs, and stamps which build it came from.
// The supervisor runs a bundle only when its stamp matches dist/.tsbuildinfo (runtime's
// supervisor/bundled-entry.ts), so `tsc -b` alone never leaves stale code running.
//
// esbuild over the tsc output (not the TypeScript): tsc stays the one compiler and type checker;
// esbuild only joins files, in about a second for all services. Packages stay outside the bundle
// when they are native (better-sqlite3), or loaded only on first use (jose, ioredis, zxcvbn's
// dictionaries: several MB), or optional (ws's native helpers).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const services = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'services');
const dist = join(services, 'dist');
const out = join(services, 'bundle');
const buildInfo = join(dist, '.tsbuildinfo');
if (!existsSync(buildInfo)) {
  process.stderr.write('bundle-services: packages/services/dist is not built; run `npx tsc -b` first\n');
  process.exit(2);
}

const entryPoints = Object.fromEntries(
  readdirSync(dist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dist, entry.name, 'main.js')))
    .map((entry) => [entry.name, join(dist, entry.name, 'main.js')]),
);

const started = performance.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints,
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'ioredis', 'jose', '@zxcvbn-ts/*', 'bufferutil', 'utf-8-validate'],
  // CommonJS packages inside an ESM bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __topolabCreateRequire } from 'node:module'; const require = __topolabCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(join(out, 'stamp.json'), `${JSON.stringify({ buildInfoMtimeMs: statSync(buildInfo).mtimeMs })}\n`);
const names = Object.keys(entryPoints);
process.stdout.write(`bundled ${names.length} services into packages/services/bundle in ${Math.round(performance.now() - started)} ms (${names.join(', ')})\n`);

#!/usr/bin/env node
// Bundles the compiled code (from `tsc -b`) into a few ESM files, and stamps which build each
// bundle came from, so `tsc -b` alone never leaves stale code running:
//   - each service's entry (packages/services/dist/<name>/main.js) into
//     packages/services/bundle/<name>.mjs; the supervisor runs a bundle only when its stamp
//     matches dist/.tsbuildinfo (runtime's supervisor/bundled-entry.ts);
//   - the CLI's program (packages/cli/dist/program.js, with commander, chalk, the runtime's
//     cli-facts and trace-model and the services' contract) into packages/cli/bundle/program.mjs, for
//     `topolab --help` and the commands' start; the runtime, ink and the scenarios stay outside,
//     loaded when a command needs them. bin.js imports it only when its stamp matches the
//     .tsbuildinfo of cli, runtime and services (packages/cli/src/bundled-program.ts).
//   - the web dashboard (packages/web: React, cytoscape, the runtime's trace-model) with Vite into
//     packages/web/dist, which the control server serves under /dashboard/; skipped while dist is
//     newer than every source (the trace model's compiled files included).
//
// `--services` bundles the services only (after `tsc -b packages/services`): what the exported
// Dockerfile's image runs, without building the runtime, the CLI or the dashboard.
//
// esbuild over the tsc output (not the TypeScript): tsc stays the one compiler and type checker;
// esbuild only joins files, in about a second for all. Packages stay outside a service bundle
// when they are native (better-sqlite3), or loaded only on first use (jose, ioredis, zxcvbn's
// dictionaries: several MB), or optional (ws's native helpers).
//
// zod: the services build their schemas with zod/mini through packages/services/src/kit/zod.ts,
// imported as a namespace, so esbuild keeps only the schemas and checks used (60 to 74 kB of
// zod per bundle; classic zod's methods kept all of it, about 390 kB) and drops the unused
// locales by itself. English, the one locale used, is `locales/en.js`, which kit/zod.ts imports directly.
// The plugin below still empties zod's `locales/index.js` (every language's messages, 366 kB),
// though with mini it changes no bundle today: it is a guard, since a classic
// `import { z } from 'zod'` would bring `z.locales` back whole, and compiling it cost each process
// about 60 ms of CPU at start.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(root, 'packages');
const buildInfoOf = (name) => join(packages, name, 'dist', '.tsbuildinfo');
const servicesOnly = process.argv.includes('--services');
for (const name of servicesOnly ? ['services'] : ['services', 'runtime', 'cli']) {
  if (!existsSync(buildInfoOf(name))) {
    process.stderr.write(`bundle: packages/${name}/dist is not built; run \`npx tsc -b\` first\n`);
    process.exit(2);
  }
}

/** zod's `locales/index.js` (the namespace of every language) becomes an empty module: a guard, see the header. */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined));
    esbuild.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  plugins: [withoutZodLocales],
  // CommonJS packages inside an ESM bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __topolabCreateRequire } from 'node:module'; const require = __topolabCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

const started = performance.now();

const servicesDist = join(packages, 'services', 'dist');
const servicesOut = join(packages, 'services', 'bundle');
const entryPoints = Object.fromEntries(
  readdirSync(servicesDist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDist, entry.name, 'main.js')))
    .map((entry) => [entry.name, join(servicesDist, entry.name, 'main.js')]),
);
rmSync(servicesOut, { recursive: true, force: true });
mkdirSync(servicesOut, { recursive: true });
await build({
  ...common,
  entryPoints,
  outdir: servicesOut,
  external: ['better-sqlite3', 'ioredis', 'jose', '@zxcvbn-ts/*', 'bufferutil', 'utf-8-validate'],
});
writeFileSync(join(servicesOut, 'stamp.json'), `${JSON.stringify({ buildInfoMtimeMs: statSync(buildInfoOf('services')).mtimeMs })}\n`);
if (servicesOnly) {
  process.stdout.write(`bundled ${Object.keys(entryPoints).length} services into packages/services/bundle in ${Math.round(performance.now() - started)} ms\n`);
  process.exit(0);
}

// The CLI: only what declaring the commands needs is inlined; every other package is imported
// from node_modules as before (the runtime finds the services and its scenario hooks by path).
const inlined = new Set(['commander', 'chalk', '@topolab/runtime/cli-facts', '@topolab/runtime/trace-model', '@topolab/services/contract']);
const cliOut = join(packages, 'cli', 'bundle');
rmSync(cliOut, { recursive: true, force: true });
mkdirSync(cliOut, { recursive: true });
await build({
  ...common,
  entryPoints: { program: join(packages, 'cli', 'dist', 'program.js') },
  outdir: cliOut,
  // Lazily imported parts (the dashboard, the reporters) stay chunks of their own, loaded when used.
  splitting: true,
  plugins: [
    withoutZodLocales,
    {
      name: 'cli-externals',
      setup(esbuild) {
        esbuild.onResolve({ filter: /^[^./#]/ }, (args) => (inlined.has(args.path) ? undefined : { external: true }));
      },
    },
  ],
});
const cliStamp = Object.fromEntries(['cli', 'runtime', 'services'].map((name) => [name, statSync(buildInfoOf(name)).mtimeMs]));
writeFileSync(join(cliOut, 'stamp.json'), `${JSON.stringify({ buildInfoMtimeMs: cliStamp })}\n`);

const names = Object.keys(entryPoints);
process.stdout.write(`bundled ${names.length} services into packages/services/bundle (${names.join(', ')}) and the CLI into packages/cli/bundle in ${Math.round(performance.now() - started)} ms\n`);

// The web dashboard: Vite (its own bundler, with React's JSX and CSS) into packages/web/dist.
const webRoot = join(packages, 'web');
const webBuilt = join(webRoot, 'dist', 'index.html');
/** Newest mtime under `path` (a file or a folder), node_modules and dist left out. */
const newestMtime = (path) => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((name) => name !== 'node_modules' && name !== 'dist').map((name) => newestMtime(join(path, name))));
};
// The page bundles the runtime's browser-safe trace model and the services' backoff helper: their compiled files count as the page's sources.
const traceModel = join(packages, 'runtime', 'dist', 'telemetry', 'trace-model');
const backoffHelper = join(packages, 'services', 'dist', 'kit', 'backoff.js');
if (existsSync(join(webRoot, 'vite.config.mjs'))) {
  if (existsSync(webBuilt) && statSync(webBuilt).mtimeMs >= Math.max(newestMtime(webRoot), newestMtime(traceModel), newestMtime(backoffHelper))) {
    process.stdout.write('web dashboard: packages/web/dist is current\n');
  } else {
    const webStarted = performance.now();
    process.stdout.write('web dashboard: building packages/web with Vite…\n');
    const { build: viteBuild } = await import('vite');
    await viteBuild({ root: webRoot, configFile: join(webRoot, 'vite.config.mjs'), logLevel: 'warn' });
    process.stdout.write(`web dashboard: built packages/web/dist in ${Math.round(performance.now() - webStarted)} ms\n`);
  }
}

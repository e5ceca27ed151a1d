#!/usr/bin/env node
// NO_COLOR (no-color.org) must reach chalk's colour detection before chalk or ink is loaded.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';

// `topolab status | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// One bundled file loads in a fraction of the time of the ~150 modules it joins (scripts/bundle.mjs).
const { bundledProgram, packagesDir } = await import('./bundled-program.js');
const bundle = bundledProgram(packagesDir);
const { runCli } = (await import(bundle ? bundle.href : './program.js')) as typeof import('./program.js');
process.exitCode = await runCli(process.argv.slice(2));

#!/usr/bin/env node
// NO_COLOR (no-color.org) must reach chalk's colour detection before chalk or ink is loaded.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';

const { runCli } = await import('./program.js');
process.exitCode = await runCli(process.argv.slice(2));

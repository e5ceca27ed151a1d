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

const { runCli } = await import('./program.js');
process.exitCode = await runCli(process.argv.slice(2));

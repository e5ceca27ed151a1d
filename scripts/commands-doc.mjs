#!/usr/bin/env node
// Writes docs/commands.md from the CLI's commander program (run after `tsc -b`), so the page
// lists every command with its options, defaults and --help examples as the CLI defines them.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { createProgram } = await import('../packages/cli/dist/program.js');
const { commandsDocPath, renderCommandsDoc } = await import('../packages/cli/dist/docs/commands-doc.js');

const program = createProgram({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: false }, { code: 0 });
const target = fileURLToPath(new URL(`../${commandsDocPath}`, import.meta.url));
writeFileSync(target, renderCommandsDoc(program));
process.stdout.write(`wrote ${target}\n`);

#!/usr/bin/env node
// Writes docs/errors.md from the error tables in the code (run after `tsc -b`), so the
// documentation lists every code with its status, exit code, message and hint.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { serviceErrorTables } = await import('../packages/services/dist/error-tables.js');
const { runtimeErrorCodes } = await import('../packages/runtime/dist/errors/index.js');

const cell = (text) => String(text ?? '').replaceAll('|', '\\|');
const lines = [
  '# Error codes',
  '',
  'Every error topolab shows has a stable code `AREA_REASON`, a one-line message built from',
  'structured data (never a password, one-time code or token) and, where there is something',
  'to do, a hint.',
  '',
  '- **Services** answer `{ "error": { "code": "…", "message": "…", "hint": "…" } }` with the HTTP',
  '  status below. Validation errors add `details: [{ path, message }]` (never the value).',
  '- **The CLI** prints `✖ CODE  message` and the hint (the stack only with `--verbose`) and',
  '  exits with: 0 success, 1 a check or scenario failed, 2 usage or configuration error,',
  '  3 environment error (port taken, a service failed to start, nothing running).',
  '  Usage errors found by the argument parser (unknown option, missing argument) exit 2.',
  '',
  'This page is generated from the code tables (`node scripts/errors-doc.mjs` after a build);',
  'a test fails when a code is missing from it.',
  '',
  '## CLI and runtime',
  '',
  '| Code | Exit | HTTP (control API) | Meaning | Hint |',
  '| --- | --- | --- | --- | --- |',
  ...Object.entries(runtimeErrorCodes).map(
    ([code, d]) => `| \`${code}\` | ${d.exitCode} | ${d.status} | ${cell(d.message)} | ${cell(d.hint)} |`,
  ),
];
for (const [area, table] of Object.entries(serviceErrorTables)) {
  lines.push('', `## Service: ${area}`, '', '| Code | HTTP | Meaning | Hint |', '| --- | --- | --- | --- |');
  for (const [code, d] of Object.entries(table)) lines.push(`| \`${code}\` | ${d.status} | ${cell(d.message)} | ${cell(d.hint)} |`);
}
lines.push('');
const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
writeFileSync(target, lines.join('\n'));
process.stdout.write(`wrote ${target}\n`);

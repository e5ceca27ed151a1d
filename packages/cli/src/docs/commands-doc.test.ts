import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { processIo } from '../io.js';
import { commandsDocPath, renderCommandsDoc } from './commands-doc.js';

// docs/commands.md is generated from the program the CLI runs; a flag added, renamed or
// re-described without `npx --yes pnpm@10 docs:commands` makes the page stale, and this fails.
const committed = readFileSync(new URL(`../../../../${commandsDocPath}`, import.meta.url), 'utf8');
const program = createProgram({ ...processIo(), interactive: false }, { code: 0 });
const rendered = renderCommandsDoc(program);

describe('docs/commands.md', () => {
  it('equals what scripts/commands-doc.mjs writes (run `npx --yes pnpm@10 docs:commands`)', () => {
    expect(committed).toBe(rendered);
  });

  it('has a section for every command, with every option and its examples', () => {
    for (const command of program.commands) {
      expect(rendered).toContain(`## topolab ${command.name()}\n`);
      for (const option of command.options) expect(rendered).toContain(`| \`${option.flags.replaceAll('|', '\\|')}\` |`);
    }
    expect(rendered).toContain('$ topolab up --cache redis --bus redis --auth global');
  });
});

// docs/running.md keeps a hand-written table with the flags' background; it must not name a
// flag the command does not have.
describe('the flags table of docs/running.md', () => {
  const page = readFileSync(new URL('../../../../docs/running.md', import.meta.url), 'utf8');
  const table = page.slice(page.indexOf('## Commands and flags in detail')).split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| Command'));
  let current = '';
  const rows = table.map((line) => {
    const [name = '', flags = ''] = line.split(/(?<!\\)\|/).slice(1, 3).map((cell) => cell.trim());
    current = /`topolab (\w+)/.exec(name)?.[1] ?? (name === 'all' ? '' : current);
    return { command: current, flags: [...flags.matchAll(/--?[a-z][a-z-]*/g)].map((match) => match[0]) };
  });

  it('has a row for every command', () => {
    expect(new Set(rows.map((row) => row.command).filter(Boolean))).toEqual(new Set(program.commands.map((command) => command.name()).filter((name) => name !== 'resume')));
  });

  it.each(rows.filter((row) => row.flags.length > 0))('topolab $command has $flags', ({ command, flags }) => {
    const options = [...(program.commands.find((candidate) => candidate.name() === command)?.options ?? []), ...program.options];
    expect(flags.filter((flag) => !options.some((option) => option.long === flag || option.short === flag))).toEqual([]);
  });
});

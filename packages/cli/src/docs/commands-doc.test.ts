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

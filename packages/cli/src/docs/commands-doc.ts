import type { EventEmitter } from 'node:events';
import type { Command, Option } from 'commander';

/** Where the generated page lives, from the repository root. */
export const commandsDocPath = 'docs/commands.md';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** What commander would show as an option's default, as text ('' when it has none). */
function formatDefault(option: Option): string {
  if (option.defaultValueDescription) return option.defaultValueDescription;
  const value: unknown = option.defaultValue;
  if (value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '' : JSON.stringify(value);
  return String(value);
}

function describeOption(option: Option): string {
  const extras = [
    option.argChoices ? `one of: ${option.argChoices.join(', ')}` : '',
    option.envVar ? `env \`${option.envVar}\`` : '',
    option.mandatory ? 'required' : '',
  ].filter(Boolean);
  return extras.length === 0 ? option.description : `${option.description} (${extras.join('; ')})`;
}

// addHelpText registers listeners on these events; emitting one collects its text without printing the help.
function helpText(command: Command, position: 'beforeHelp' | 'afterHelp'): string {
  let text = '';
  (command as unknown as EventEmitter).emit(position, { error: false, command, write: (chunk: string) => (text += chunk) });
  return text.replace(/^\n+/, '').trimEnd();
}

function renderCommand(command: Command, path: string): string[] {
  const name = `${path} ${command.name()}`;
  const lines = [`## ${name}`, '', command.description(), '', `Usage: \`${name} ${command.usage()}\``];
  const args = command.registeredArguments;
  if (args.length > 0) {
    lines.push('', '| Argument | Meaning |', '| --- | --- |');
    for (const arg of args) lines.push(`| \`${arg.name()}${arg.variadic ? '...' : ''}\`${arg.required ? '' : ' (optional)'} | ${cell(arg.description)} |`);
  }
  const options = command.options.filter((option) => !option.hidden);
  if (options.length > 0) {
    lines.push('', '| Option | Default | Meaning |', '| --- | --- | --- |');
    for (const option of options) {
      const fallback = formatDefault(option);
      lines.push(`| \`${cell(option.flags)}\` | ${fallback ? `\`${cell(fallback)}\`` : ''} | ${cell(describeOption(option))} |`);
    }
  }
  const after = helpText(command, 'afterHelp');
  if (after) lines.push('', '```text', after, '```');
  lines.push('');
  for (const sub of command.commands) lines.push(...renderCommand(sub, name));
  return lines;
}

/** Renders docs/commands.md from the CLI's commander program: every command, its options and its `--help` examples. */
export function renderCommandsDoc(program: Command): string {
  const lines = [
    '# Commands',
    '',
    '<!-- Generated from the CLI\'s commander program by `npx --yes pnpm@10 docs:commands` (scripts/commands-doc.mjs); a test fails when it is stale. Do not edit by hand. -->',
    '',
    program.description(),
    '',
    'Every command has `--help` with these examples, works without a terminal (plain lines) and',
    'honours `NO_COLOR`. Exit codes: 0 success, 1 a check failed, 2 usage or configuration error,',
    '3 environment error (port taken, a service failed to start, nothing running). Errors print',
    '`✖ CODE  message` and a hint; `--verbose` adds the stack. Every code is in',
    '[errors.md](errors.md); the flags with more background are in [running.md](running.md#commands-and-flags-in-detail).',
    '',
    '| Option (every command) | Meaning |',
    '| --- | --- |',
    ...program.options.map((option) => `| \`${cell(option.flags)}\` | ${cell(describeOption(option))} |`),
    '| `-h, --help` | the command\'s help with examples |',
    '',
    '```text',
    helpText(program, 'afterHelp'),
    '```',
    '',
    '| Command | What it does |',
    '| --- | --- |',
    ...program.commands.map((command) => `| [\`topolab ${command.name()}\`](#topolab-${command.name()}) | ${cell(command.description())} |`),
    '',
  ];
  for (const command of program.commands) lines.push(...renderCommand(command, program.name()));
  return `${lines.join('\n').trimEnd()}\n`;
}

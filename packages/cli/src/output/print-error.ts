import { isTopolabError, runtimeError } from '@topolab/runtime/cli-facts';
import type { CliIo } from '../io.js';
import { createColors } from './colors.js';

/** Prints `✖ CODE  message`, the hint, the last log lines of a failed instance, and the stack with --verbose. Returns the exit code. */
export function printError(io: CliIo, error: unknown, verbose: boolean): number {
  const c = createColors(io.stderr);
  const write = (line: string) => io.stderr.write(`${line}\n`);
  if (isTopolabError(error)) {
    write(`${c.red('✖')} ${c.bold(error.code)}  ${error.message}`);
    if (error.hint) write(`  ${c.dim('hint:')} ${error.hint}`);
    if (error.lastLines && error.lastLines.length > 0) {
      write(c.dim('  last log lines:'));
      for (const line of error.lastLines.slice(-10)) write(`  ${c.dim('│')} ${line}`);
    }
    if (verbose && error.stack) write(c.dim(error.stack));
    return error.exitCode;
  }
  const unknown = error as Error;
  write(`${c.red('✖')} ${c.bold('INTERNAL')}  ${unknown?.message ?? String(error)}`);
  write(`  ${c.dim('hint:')} this is a bug in topolab; please report it with the stack below.`);
  write(c.dim(unknown?.stack ?? String(error)));
  return 1;
}

/**
 * Prints a usage error of the argument parser (commander's `error: …` text: an unknown option,
 * a missing argument, a value an option refuses) as every other error: `✖ CLI_USAGE  message`
 * on one line, and the hint.
 */
export function printUsageError(io: CliIo, text: string): void {
  const message = text
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  printError(io, runtimeError('CLI_USAGE', { message }), false);
}

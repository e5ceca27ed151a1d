import { Option, type Command } from 'commander';
import type { CommandContext } from '../program.js';
import { parsePhoneNumber, parsePositiveInteger } from '../options.js';
import { formatClock } from '../output/format.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/** `topolab phone NUMBER`: the simulated phone, i.e. what the SMS service sent to that number. */
export function registerPhoneCommand(program: Command, ctx: CommandContext): void {
  program
    .command('phone')
    .description('show the SMS messages a phone number received (one-time codes included: this is the phone)')
    .argument('<number>', 'E.164 phone number, e.g. +447700900123', parsePhoneNumber)
    .addOption(dataDirOption())
    .addOption(new Option('--limit <n>', 'newest messages to show').argParser(parsePositiveInteger).default(10))
    .option('--json', 'print the messages as JSON')
    .addHelpText('after', '\nExamples:\n  $ topolab phone +447700900123\n  $ topolab phone +447700900123 --limit 1 --json')
    .action(async (number: string, options: { dataDir: string; limit: number; json?: boolean }) => {
      const { messages } = await (await controlClient(options.dataDir)).phone(number, { limit: options.limit });
      if (options.json) {
        ctx.io.stdout.write(`${JSON.stringify({ messages }, null, 2)}\n`);
        return;
      }
      if (messages.length === 0) {
        ctx.io.stdout.write(`${number} has received no message\n`);
        return;
      }
      ctx.io.stdout.write(`${number}: ${messages.length} message${messages.length === 1 ? '' : 's'}, newest first\n`);
      for (const message of messages) ctx.io.stdout.write(`${formatClock(message.time)}  ${message.type.padEnd(8)} ${message.text}\n`);
    });
}

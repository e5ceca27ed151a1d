import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { authenticatorLines } from '../output/authenticator-lines.js';
import { createColors } from '../output/colors.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/**
 * `topolab authenticator USERNAME`: the user's authenticator app, i.e. the TOTP code (RFC 6238)
 * of the secret they enrolled with `POST /auth/totp/enroll`, as `topolab phone` is their SMS inbox.
 * It also says whether auth already took that code (a code works once) and when the next one comes.
 */
export function registerAuthenticatorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('authenticator')
    .description("show the current code of a user's authenticator app (TOTP, after POST /auth/totp/enroll)")
    .argument('<username>', 'the user who enrolled an authenticator')
    .addOption(dataDirOption())
    .option('--json', 'print the code, its time step, seconds left and whether it was used, as JSON')
    .addHelpText('after', '\nExamples:\n  $ topolab authenticator ada\n  $ topolab authenticator ada --json')
    .action(async (username: string, options: { dataDir: string; json?: boolean }) => {
      const answer = await (await controlClient(options.dataDir)).authenticator(username);
      if (options.json) {
        ctx.io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        return;
      }
      ctx.io.stdout.write(authenticatorLines(answer, createColors(ctx.io.stdout)));
    });
}

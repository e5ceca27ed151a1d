import type { Command } from 'commander';
import { formatModes } from '@topolab/runtime/cli-facts';
import type { CommandContext } from '../program.js';
import { authOption, dataDirOption, discoveryOption } from './shared-options.js';
import { controlClient } from './runtime.js';

interface ModeOptions {
  dataDir: string;
  discovery?: string;
  auth?: string;
  json?: boolean;
}

/** `topolab mode [--discovery X] [--auth Y]`: show the modes, or switch every gateway at run time. */
export function registerModeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('mode')
    .description('show the discovery and auth modes of the running topology, or switch every gateway to others without a restart')
    .addOption(discoveryOption())
    .addOption(authOption())
    .addOption(dataDirOption())
    .option('--json', 'print the modes as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ topolab mode                       print the modes in force
  $ topolab mode --auth local          every gateway verifies JWTs itself from now on
  $ topolab mode --discovery server --auth sidecar

Requests in flight finish in the mode they started with.`,
    )
    .action(async (options: ModeOptions) => {
      const client = await controlClient(options.dataDir);
      const change = { ...(options.discovery ? { discovery: options.discovery } : {}), ...(options.auth ? { auth: options.auth } : {}) };
      if (Object.keys(change).length === 0) {
        const { modes } = await client.modes();
        ctx.io.stdout.write(options.json ? `${JSON.stringify(modes, null, 2)}\n` : `${formatModes(modes)}\n`);
        return;
      }
      const answer = await client.setModes(change);
      ctx.io.stdout.write(options.json ? `${JSON.stringify(answer, null, 2)}\n` : `${formatModes(answer.modes)}  (was ${formatModes(answer.previous)})\n`);
    });
}

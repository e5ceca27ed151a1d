import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/** `topolab dashboard`: a new single-use login link to the web dashboard of the running topology. */
export function registerDashboardCommand(program: Command, ctx: CommandContext): void {
  program
    .command('dashboard')
    .description('print a new login link to the web dashboard of the running topology (single use, valid 10 minutes)')
    .addOption(dataDirOption())
    .option('--json', 'print { "url": … } as JSON')
    .addHelpText('after', '\nThe link logs a browser in with a session cookie; `topolab up` prints one at start.\n\nExamples:\n  $ topolab dashboard\n  $ xdg-open "$(topolab dashboard)"')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const { url } = await (await controlClient(options.dataDir)).request<{ url: string }>('POST', '/v1/dashboard/link');
      ctx.io.stdout.write(options.json ? `${JSON.stringify({ url })}\n` : `${url}\n`);
    });
}

/** Where the web dashboard's build is (packages/web/dist), or undefined when @topolab/web is not installed. */
export function dashboardAssetsDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@topolab/web/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

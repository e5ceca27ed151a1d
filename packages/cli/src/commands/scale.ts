import type { Command } from 'commander';
import { parseReplicaCount } from '../options.js';
import { formatScale } from '../output/format.js';
import type { CommandContext } from '../program.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/** `topolab scale SERVICE N`: start or stop instances of a service until N run. */
export function registerScaleCommand(program: Command, ctx: CommandContext): void {
  program
    .command('scale')
    .description('start or stop instances of a service until N run (highest index stopped first; a gateway brings its sidecar)')
    .argument('<service>', 'service name, e.g. profile')
    .argument('<replicas>', 'instances to run, 1 to 9', parseReplicaCount)
    .addOption(dataDirOption())
    .addHelpText('after', '\nExamples:\n  $ topolab scale profile 3\n  $ topolab scale gateway 2\n\nThe registry runs one instance; sidecars follow their gateway.')
    .action(async (service: string, replicas: number, options: { dataDir: string }) => {
      const result = await (await controlClient(options.dataDir)).scale(service, replicas);
      ctx.io.stdout.write(`✓ ${formatScale(result)}\n`);
    });
}

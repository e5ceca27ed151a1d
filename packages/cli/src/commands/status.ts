import type { Command } from 'commander';
import { formatModes } from '@topolab/runtime/cli-facts';
import type { CommandContext } from '../program.js';
import { formatTable } from '../output/table.js';
import { formatEdge, instanceCells, instanceHeaders, formatLimits } from '../output/format.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/** `topolab status`: what runs where, from another terminal. */
export function registerStatusCommand(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('show the modes and instances of the topology started by `topolab up` in this data directory')
    .addOption(dataDirOption())
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExamples:\n  $ topolab status\n  $ curl --cacert .topolab/tls/ca.pem https://localhost:8443/health     the CA path is in the status\n  $ topolab status --json | jq \'.instances[] | select(.service == "profile")\'')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const status = await (await controlClient(options.dataDir)).status();
      if (options.json) {
        ctx.io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const now = Date.now();
      const t = status.timings;
      ctx.io.stdout.write(
        [
          `gateway   ${status.gatewayUrls.length > 0 ? status.gatewayUrls.join(', ') : status.gatewayUrl}`,
          ...formatEdge(status.edge),
          `modes     ${formatModes(status.modes)}`,
          `limits    ${formatLimits(status.limits)}`,
          `registry  ${status.registryUrl}`,
          `timings   heartbeat ${t.heartbeatMs} ms, eviction after ${t.missedHeartbeats} missed (${t.heartbeatMs * t.missedHeartbeats} ms), catalog refresh ${t.catalogRefreshMs} ms`,
          `data      ${status.dataDir}`,
          '',
          ...formatTable(instanceHeaders, status.instances.map((instance) => instanceCells(instance, now))),
          '',
        ].join('\n'),
      );
    });
}

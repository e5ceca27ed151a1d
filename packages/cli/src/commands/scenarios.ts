import type { Command } from 'commander';
import { describeScenarioModes, matrixModesOf } from '@topolab/runtime/cli-facts';
import type { CommandContext } from '../program.js';
import { formatTable } from '../output/table.js';
import { builtInScenarioDir } from './built-in-scenarios.js';
import { loadRuntime } from './runtime.js';

/** `topolab scenarios`: the built-in scenarios, what each shows and which modes it fits. */
export function registerScenariosCommand(program: Command, ctx: CommandContext): void {
  program
    .command('scenarios')
    .description('list the built-in scenarios: name, the modes each runs in, and what it shows')
    .option('--json', 'print the list as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ topolab scenarios
  $ topolab scenarios --json | jq -r '.[].name'
  $ topolab run registration-2fa        run one of them`,
    )
    .action(async (options: { json?: boolean }) => {
      const dir = await builtInScenarioDir();
      const loaded = await (await loadRuntime()).listBuiltInScenarios(dir);
      if (options.json) {
        const list = loaded.map(({ scenario, file }) => ({
          name: scenario.name,
          summary: scenario.summary,
          modes: { discovery: scenario.modes?.discovery ?? null, auth: scenario.modes?.auth ?? null },
          combinations: matrixModesOf(scenario),
          timeoutMs: scenario.timeoutMs ?? null,
          file,
        }));
        ctx.io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (loaded.length === 0) {
        ctx.io.stdout.write(`no built-in scenarios in ${dir} (build them with \`npx tsc -b\`)\n`);
        return;
      }
      const rows = loaded.map(({ scenario }) => [scenario.name, describeScenarioModes(scenario), scenario.summary]);
      ctx.io.stdout.write(`${formatTable(['NAME', 'MODES', 'SUMMARY'], rows).join('\n')}\n\nrun one with \`topolab run NAME\`, all with \`topolab run\`, every mode with \`topolab run --matrix\`\n`);
    });
}

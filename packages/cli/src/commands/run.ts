import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import type { AuthModeName, DiscoveryModeName, RunResult, RunScenariosOptions } from '@topolab/runtime';
import { parsePositiveInteger } from '../options.js';
import type { CommandContext } from '../program.js';
import type { ReporterName } from '../reporters/reporter.js';
import { builtInScenarioDir } from './built-in-scenarios.js';
import { collect, createReporters, parseReporter, planReporters } from './run-reporters.js';
import { authOption, backendOptions, backendsFrom, discoveryOption, startTimeoutOption, type BackendFlags } from './shared-options.js';
import { loadRuntime } from './runtime.js';

interface RunOptions extends BackendFlags {
  /** False with `--no-tls`. */
  tls: boolean;
  startTimeout: number;
  discovery?: DiscoveryModeName;
  auth?: AuthModeName;
  matrix?: boolean;
  reporter?: ReporterName[];
  output?: string[];
  bail?: boolean;
  keepData?: boolean;
  isolate?: boolean;
  requirePrograms?: boolean;
  parallel: number;
}

/** `topolab run`: run scenarios, each on a fresh topology, narrating every step and hop. */
export function registerRunCommand(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('run scenarios (all built-in ones, or the names and files given), each on a fresh topology, narrating every step with the hops of its requests')
    .argument('[scenarios...]', 'built-in names (see `topolab scenarios`) or paths of .ts, .js or .mjs scenario files')
    .addOption(discoveryOption())
    .addOption(authOption())
    .option('--matrix', 'run each scenario in every discovery × auth combination it allows (with --discovery or --auth: that axis fixed)')
    .addOption(backendOptions().cache)
    .addOption(backendOptions().bus)
    .addOption(backendOptions().lb)
    .addOption(backendOptions().redisUrl)
    .option('--no-tls', 'plain HTTP at the gateways (scenarios that need HTTPS still get it)')
    .addOption(startTimeoutOption())
    .addOption(new Option('--reporter <name>', 'pretty (live, default on a terminal), plain (default otherwise), json or junit; repeatable').argParser(parseReporter))
    .addOption(new Option('--output <file>', 'file for the json or junit reporter (repeatable, one per file reporter, in order)').argParser(collect))
    .option('--bail', 'stop after the first failing scenario (the rest are reported as skipped)')
    .option('--keep-data', "keep each run's temporary data directory (databases and logs) and print where it is")
    .option('--isolate', 'every run on a topology of its own (by default a run may take over one an earlier run of the same shape and modes passed and left unchanged)')
    .option('--require-programs', 'a scenario whose backends need a program that is not installed (redis-server, nginx) fails instead of being skipped (CI)')
    .addOption(new Option('--parallel <n>', 'scenario runs at once, each with its own topology').argParser(parsePositiveInteger).default(defaultParallel(), '2 on a machine with 2 cores or more, else 1'))
    .addHelpText(
      'after',
      `
Examples:
  $ topolab run                                  every built-in scenario (discovery client · auth remote)
  $ topolab run registration-2fa login-2fa
  $ topolab run ./my.scenario.ts                 your own scenario: import { defineScenario } from 'topolab'
  $ topolab run --auth local zombie-instance
  $ topolab run --matrix --reporter plain --reporter junit --output junit.xml
  $ topolab run --matrix --cache redis --bus redis --lb nginx   the matrix on a real Redis and nginx
  $ topolab run --matrix --discovery server --lb nginx           every auth mode through nginx
  $ topolab run token-revocation --reporter json > run.json
  $ topolab run --isolate                        no topology shared between runs
  $ topolab run --matrix --start-timeout 30000   on a slow or busy machine

Runs of one shape (modes, replicas, limits, backends) run one after another, and a run takes
over the topology the previous one passed and left unchanged (same instances and pids, all
ready, same modes): most of a run is a topology starting. A scenario with topology.fresh, a
run after a failure, and --keep-data or --isolate get a topology of their own.
A scenario that does not fit the modes asked for is skipped. Exit code 0 when every scenario
passed (or was skipped), 1 when one failed, 2 on a usage error or an unknown scenario.`,
    )
    .action(async (selectors: string[], options: RunOptions) => {
      ctx.exit.code = await runCommand(selectors, options, ctx);
    });
}

async function runCommand(selectors: readonly string[], options: RunOptions, ctx: CommandContext): Promise<number> {
  const plans = planReporters(options.reporter, options.output, ctx.io.interactive);
  const backends = backendsFrom(options);
  const { assertBackendsAvailable, loadScenarios, runScenarios } = await loadRuntime();
  assertBackendsAvailable(backends);
  const loaded = await loadScenarios({ builtInDir: await builtInScenarioDir(), selectors });
  const named = { ...(options.discovery ? { discovery: options.discovery } : {}), ...(options.auth ? { auth: options.auth } : {}) };
  const modes: RunScenariosOptions['modes'] = options.matrix ? { matrix: named } : named;
  const reporters = await createReporters(plans, ctx.io);
  // Ctrl-C: the running scenarios stop and their topologies too; a second Ctrl-C exits at once.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: RunResult;
  try {
    result = await runScenarios({
      scenarios: loaded.map((entry) => entry.scenario),
      modes,
      backends,
      topologyDefaults: { tls: options.tls, startTimeoutMs: options.startTimeout },
      bail: Boolean(options.bail),
      keepData: Boolean(options.keepData),
      isolate: Boolean(options.isolate),
      requirePrograms: Boolean(options.requirePrograms),
      parallel: options.parallel,
      signal: interrupt.signal,
      onEvent: (event) => {
        for (const reporter of reporters) reporter.onEvent(event);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const reporter of reporters) await reporter.finish(result);
  return result.failed > 0 || interrupt.signal.aborted ? 1 : 0;
}

// Most of a run is a topology starting (ten processes); two at once keep two cores busy.
function defaultParallel(): number {
  return Math.min(2, Math.max(1, availableParallelism()));
}

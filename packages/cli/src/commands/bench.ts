import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { benchLoadGenerators, defaultBenchSettings, runtimeError } from '@topolab/runtime/cli-facts';
import type { BenchReport } from '@topolab/runtime';
import { renderHtmlReport } from '../bench-report/html-report.js';
import { renderMarkdownReport } from '../bench-report/markdown-report.js';
import { renderCpuProfiles } from '../bench-report/cpu-profile-report.js';
import { createProgressPrinter } from '../bench-report/progress-printer.js';
import { renderTerminalReport } from '../bench-report/terminal-report.js';
import { parsePositiveInteger } from '../options.js';
import type { CommandContext } from '../program.js';
import { writeDocument } from '../reporters/document-target.js';
import { parseAuthList, parseBackendList, parseDiscoveryList, parseDuration, parseNonNegativeDuration, parseSectionList, settingsFromFlags, type BenchFlags } from './bench-options.js';
import { loadRuntime } from './runtime.js';

const d = defaultBenchSettings;

/** `topolab bench`: what each discovery and auth design costs and buys, measured in one run. */
export function registerBenchCommand(program: Command, ctx: CommandContext): void {
  program
    .command('bench')
    .description('measure throughput and latency of every discovery × auth mode against direct and nginx, revocation lag, failover, WebSocket fan-out and cold start, in one run on this machine')
    .addOption(new Option('--discovery <modes>', 'discovery modes, comma-separated: client, server').argParser(parseDiscoveryList).default(d.discovery, d.discovery.join(',')))
    .addOption(new Option('--auth <modes>', 'auth modes, comma-separated: remote, local, global, sidecar, none (bench-only: no auth check)').argParser(parseAuthList).default(d.auth, d.auth.join(',')))
    .addOption(new Option('--duration <time>', 'load per row and round: 10s, 500ms, 1m').argParser(parseDuration).default(d.durationMs, '10s'))
    .addOption(new Option('--warmup <time>', 'unrecorded load before each row (0 for none)').argParser(parseNonNegativeDuration).default(d.warmupMs, '1s'))
    .addOption(new Option('--connections <n>', 'concurrent connections of the load generator').argParser(parsePositiveInteger).default(d.connections))
    .addOption(new Option('--rate <n>', 'requests per second of the open-loop load during failover').argParser(parsePositiveInteger).default(d.rate))
    .addOption(new Option('--rounds <n>', 'rounds of the throughput table (every row once per round; the median is reported)').argParser(parsePositiveInteger).default(d.rounds))
    .addOption(new Option('--sessions <n>', 'logouts per auth mode for the revocation lag').argParser(parsePositiveInteger).default(d.sessions))
    .addOption(new Option('--receivers <n>', 'WebSocket receivers of the fan-out, spread over the chat instances').argParser(parsePositiveInteger).default(d.receivers))
    .addOption(new Option('--messages <n>', 'messages the fan-out times (each awaited by every receiver)').argParser(parsePositiveInteger).default(d.messages))
    .addOption(new Option('--only <sections>', 'sections, comma-separated: throughput, revocation, failover, fanout, coldstart').argParser(parseSectionList))
    .addOption(new Option('--backends <list>', 'real backends measured beside the embedded ones: redis (global cache and bus), nginx (the lb), or none').argParser(parseBackendList).default(d.backends, d.backends.join(',')))
    .addOption(new Option('--load <generator>', 'load generator of the throughput table: autocannon (in the bench process) or wrk (Debian\'s, a C child process: apt-get install wrk)').choices(benchLoadGenerators).default(d.load))
    .option('--json <file>', 'write the report as JSON (machine, settings, every round’s raw figures)')
    .option('--markdown <file>', 'write the report as Markdown')
    .option('--html <file>', 'write the report as one self-contained HTML page with SVG charts')
    .option('--check', 'exit 1 when a target is missed')
    .option('--cpu-prof <dir>', 'run the gateways and lbs under node --cpu-prof, write their profiles into <dir> and print their top functions by self time (profiling slows them: compare such a run only with another profiled one)')
    .addHelpText(
      'after',
      `
Examples:
  $ topolab bench                                         everything, 10 s per row, 3 rounds (about 13 min)
  $ topolab bench --only throughput --discovery client --auth local,none
  $ topolab bench --duration 2s --rounds 1 --html bench.html --json bench.json
  $ topolab bench --only revocation,failover --sessions 100 --rate 200
  $ topolab bench --only fanout --receivers 50 --messages 500       WebSocket fan-out p50/p99 (embedded bus, then Redis)
  $ topolab bench --only throughput --discovery client,server --auth global,local --backends redis,nginx
  $ topolab bench --only throughput --discovery client --auth local --duration 2s --warmup 500ms --rounds 1 --backends nginx --load wrk
  $ topolab bench --only throughput --discovery client --auth local --backends none --cpu-prof prof   where the gateway's CPU goes

Throughput rows: direct (straight to the profile instances: the ceiling), nginx (when
installed: one proxy hop, a production reference), bare-node (node:http + an undici Pool, no
routing, auth, tracing or limits: the Node ceiling of a proxy), and every discovery × auth pair switched
live on one topology with rate limits off; with --backends, the same pairs on a second
topology whose cache and bus are a real Redis and whose lb is a real nginx (client/global+redis,
server/local+nginx; a backend not installed is listed as missing). Rows are interleaved over
the rounds; the median is reported with its ratio to direct, and the proxies' ratios
(gateway ÷ bare-node, bare-node ÷ nginx). The load generator (autocannon) runs in this process
and shares the machine's cores with the topology; --load wrk runs wrk -t1 instead, one per URL
(the direct row's connections split over the two profile instances).

CPU µs per request: on Linux, utime + stime of every process a row's requests pass (the
instances, nginx's master and worker, the bare proxy, the load generator), read from
/proc/<pid>/stat before and after the row's timed window, divided by the requests served;
processes under 2 µs are left out, replicated instances summed (profile). n/a off Linux.

Progress goes to stderr, the report to stdout. Exit code 0 (1 with --check when a target is
missed), 2 on a usage error, 3 when --load wrk finds no wrk (BENCH_WRK_MISSING).`,
    )
    .action(async (flags: CommandFlags) => {
      ctx.exit.code = await benchCommand(flags, ctx);
    });
}

type CommandFlags = BenchFlags & { check?: boolean; cpuProf?: string };

/** The services `--cpu-prof` profiles: the proxy hops. */
const profiledServices = ['gateway', 'lb'];

/**
 * Makes sure, before anything starts, that the bench can write where its flags point: the
 * `--cpu-prof` folder is made, and each report file's folder exists or can be made and is
 * writable, the file itself not a folder or one this user cannot write. A bad path is a usage
 * error (exit 2) now, not a failure after a run of many minutes. Answers the profile folder.
 */
function preparePaths(flags: CommandFlags): string | undefined {
  const usable = (flag: string, path: string, what: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      throw runtimeError('CLI_USAGE', { message: `${flag} ${what} ${path.slice(0, 200)} (${(error as NodeJS.ErrnoException).code ?? 'error'}).` });
    }
  };
  for (const [flag, file] of [['--json', flags.json], ['--markdown', flags.markdown], ['--html', flags.html]] as const) {
    if (file === undefined) continue;
    const path = resolve(file);
    usable(flag, path, 'cannot write', () => {
      mkdirSync(dirname(path), { recursive: true });
      accessSync(dirname(path), constants.W_OK);
      if (!existsSync(path)) return;
      if (statSync(path).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
      accessSync(path, constants.W_OK);
    });
  }
  if (flags.cpuProf === undefined) return undefined;
  const dir = resolve(flags.cpuProf);
  usable('--cpu-prof', dir, 'cannot use the folder', () => mkdirSync(dir, { recursive: true }));
  return dir;
}

async function benchCommand(flags: CommandFlags, ctx: CommandContext): Promise<number> {
  const cpuProfDir = preparePaths(flags);
  const color = !process.env.NO_COLOR && Boolean(ctx.io.stdout.isTTY);
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    ctx.io.stderr.write('\nstopping after the current measurement (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: BenchReport;
  try {
    const { runBench } = await loadRuntime();
    report = await runBench(settingsFromFlags(flags), {
      signal: interrupt.signal,
      ...(cpuProfDir ? { topology: { cpuProfile: { dir: cpuProfDir, services: profiledServices } } } : {}),
      onProgress: createProgressPrinter({ stream: ctx.io.stderr, interactive: Boolean(ctx.io.stderr.isTTY) && ctx.io.interactive, color: !process.env.NO_COLOR && Boolean(ctx.io.stderr.isTTY) }),
    });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
    ctx.io.stderr.write('bench interrupted; no report written\n');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  ctx.io.stdout.write(renderTerminalReport(report, { color, unicode: Boolean(ctx.io.stdout.isTTY) }));
  const cpuProfiles = cpuProfDir === undefined ? undefined : (await import('@topolab/runtime/bench')).readCpuProfiles(cpuProfDir);
  if (cpuProfiles) ctx.io.stdout.write(`\n${renderCpuProfiles(cpuProfiles, cpuProfDir!)}`);
  const files: [string | undefined, () => string][] = [
    [flags.json, () => `${JSON.stringify(cpuProfiles ? { ...report, cpuProfiles } : report, null, 2)}\n`],
    [flags.markdown, () => renderMarkdownReport(report)],
    [flags.html, () => renderHtmlReport(report)],
  ];
  for (const [file, render] of files) {
    if (!file) continue;
    writeDocument({ file }, render());
    ctx.io.stderr.write(`wrote ${file}\n`);
  }
  return flags.check && report.targets.some((target) => target.status === 'fail') ? 1 : 0;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { createDemoPrinter } from '../output/demo-printer.js';
import { addTopologyShapeOptions, backendOptions, addEdgeOptions, edgeFrom, startTimeoutOption, topologyShapeFrom, type EdgeFlags, type TopologyShapeFlags } from './shared-options.js';
import { loadRuntime } from './runtime.js';

const edgePorts = { http: 0, https: 0, dns: 0 };

interface DemoOptions extends TopologyShapeFlags, EdgeFlags {
  port: number;
  dataDir?: string;
  keepData?: boolean;
  startTimeout: number;
}

/** `topolab demo`: start a fresh topology, narrate registration, 2FA login, profile and mail through the gateway, stop. */
export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  addEdgeOptions(addTopologyShapeOptions(program.command('demo')), edgePorts)
    .description('start a fresh topology, register a user, verify by SMS, log in with 2FA, use the profile and send, search and catch spam in mail, narrating every hop; then stop')
    .option('--data-dir <dir>', 'data directory (default: a new temporary one, removed afterwards)')
    .option('--keep-data', 'keep the temporary data directory (databases and logs) afterwards')
    .addOption(backendOptions().redisUrl)
    .addOption(startTimeoutOption())
    .addHelpText(
      'after',
      `
Examples:
  $ topolab demo
  $ topolab demo --replicas profile=3 --keep-data
  $ topolab demo --no-tls                                   plain HTTP, no DNS name
  $ topolab demo --discovery server --auth sidecar
  $ topolab demo --cache redis --bus redis --discovery server --lb nginx
  $ topolab demo --start-timeout 30000                      a slow or busy machine

Exit code 0 when every step answered as expected, 1 when one did not.`,
    )
    .action(async (options: DemoOptions) => {
      ctx.exit.code = await runDemo(options, ctx);
    });
}

async function runDemo(options: DemoOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'topolab-demo-'));
  const print = createDemoPrinter(io.stdout);
  try {
    const { createEdgeClient, normalizeTopologyOptions, readPhone, runDemoFlow, startTopology } = await loadRuntime();
    const topologyOptions = {
      dataDir,
      fresh: true,
      startTimeoutMs: options.startTimeout,
      ...edgeFrom(options, edgePorts),
      ...topologyShapeFrom(options),
      onEvent: print.progress,
    };
    // A usage error is told before anything starts.
    normalizeTopologyOptions(topologyOptions);
    print.line(`starting the topology (data in ${dataDir})…`);
    const topology = await startTopology(topologyOptions);
    // As a user would: https://www.topolab.test:PORT, resolved through dns#1, trusting the topology's CA.
    const gateway = createEdgeClient(topology.edge);
    try {
      print.ready(topology);
      const result = await runDemoFlow({
        gateway,
        traces: topology.traces,
        readPhone: (phone) => readPhone(topology, { to: phone }),
        onStep: print.step,
      });
      print.done(result);
    } finally {
      gateway.close();
      print.line('stopping the topology…');
      await topology.stop();
    }
    return 0;
  } finally {
    if (temporary && !options.keepData) rmSync(dataDir, { recursive: true, force: true });
    else print.line(`data kept in ${dataDir}`);
  }
}

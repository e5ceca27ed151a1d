import type { Command } from 'commander';
import { formatModes } from '@topolab/runtime/cli-facts';
import type { ControlServer, TopologyEvent } from '@topolab/runtime';
import type { CommandContext } from '../program.js';
import { createPlainEventPrinter } from '../output/plain-events.js';
import { describeEvent, formatEdge } from '../output/format.js';
import { dashboardAssetsDir } from './dashboard.js';
import { addTopologyShapeOptions, backendOptions, dataDirOption, addEdgeOptions, edgeFrom, startTimeoutOption, topologyShapeFrom, type EdgeFlags, type TopologyShapeFlags } from './shared-options.js';
import { waitForStopSignal } from './stop-signal.js';
import { loadTopologyRuntime } from './runtime.js';

const edgePorts = { http: 8080, https: 8443, dns: 8053 };

interface UpOptions extends TopologyShapeFlags, EdgeFlags {
  port: number;
  dataDir: string;
  fresh?: boolean;
  plain?: boolean;
  startTimeout: number;
}

/** `topolab up`: start the topology and keep it running until Ctrl-C. */
export function registerUpCommand(program: Command, ctx: CommandContext): void {
  addEdgeOptions(addTopologyShapeOptions(program.command('up')), edgePorts)
    .description('start the topology and keep it running: a live dashboard on a terminal, plain event lines otherwise')
    .addOption(dataDirOption())
    .option('--fresh', 'wipe the data directory before starting')
    .addOption(backendOptions().redisUrl)
    .addOption(startTimeoutOption())
    .option('--plain', 'print plain event lines even on a terminal')
    .addHelpText(
      'after',
      `
Examples:
  $ topolab up                                              https://localhost:8443 (CA in .topolab/tls/ca.pem), http://localhost:8080 redirects
  $ curl --cacert .topolab/tls/ca.pem https://localhost:8443/health
  $ dig @127.0.15.1 -p 8053 www.topolab.test               one A record per ready gateway
  $ topolab up --no-tls --port 9000 --replicas profile=3 --fresh
  $ topolab up --discovery server --auth local --replicas gateway=2
  $ topolab up --timings realistic --data-dir /tmp/lab
  $ topolab up --cache redis --bus redis --auth global     a real redis-server as global cache and bus
  $ topolab up --discovery server --lb nginx                a real nginx, its upstreams rendered from the registry
  $ REDIS_URL=redis://127.0.0.1:6379 topolab up --cache redis

Ctrl-C (or q in the dashboard) stops every instance and exits 0. From another terminal:
topolab status, topolab phone +447700900123, topolab mode --auth local,
topolab kill profile#2, topolab scale profile 3.`,
    )
    .action(async (options: UpOptions) => {
      ctx.exit.code = await runUp(options, ctx);
    });
}

async function runUp(options: UpOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const stopSignal = waitForStopSignal();
  const dashboard = io.interactive && !options.plain;
  const buffered: TopologyEvent[] = [];
  let listener: (event: TopologyEvent) => void = dashboard ? (event) => void buffered.push(event) : createPlainEventPrinter(io.stdout);
  const { normalizeTopologyOptions, startControlServer, startTopology } = await loadTopologyRuntime();
  const topologyOptions = {
    dataDir: options.dataDir,
    fresh: Boolean(options.fresh),
    startTimeoutMs: options.startTimeout,
    ...edgeFrom(options, edgePorts),
    ...topologyShapeFrom(options),
    onEvent: (event: TopologyEvent) => listener(event),
  };
  // A usage error (an unknown service, a port used twice) is told before anything starts.
  normalizeTopologyOptions(topologyOptions);
  io.stdout.write(`starting the topology in ${options.dataDir}${options.fresh ? ' (fresh)' : ''}…\n`);
  let served: ControlServer | undefined;
  // The control API (control.json) is part of "ready": `topolab status` works once "all ready" is printed.
  const topology = await startTopology({
    ...topologyOptions,
    beforeReady: async (started) => {
      served = await startControlServer({ topology: started, dataDir: started.dataDir, dashboard: { topology: started, assetsDir: dashboardAssetsDir(), describe: describeEvent } });
    },
  });
  try {
    const control = served!;
    const dashboardLink = control.dashboardLink() ?? '';
    try {
      if (dashboard) {
        const { renderDashboard } = await import('../ui/render-dashboard.js');
        const view = renderDashboard({ topology, io, initialEvents: buffered, onQuit: stopSignal.trigger, webLink: dashboardLink });
        listener = () => undefined;
        await stopSignal.promise;
        view.unmount();
      } else {
        io.stdout.write(`gateway ${topology.gatewayUrls.join(', ')} · ${formatModes(topology.modes())} · control ${control.url} · Ctrl-C stops\n`);
        for (const line of formatEdge(topology.edge)) io.stdout.write(`${line}\n`);
        io.stdout.write(`web       ${dashboardLink} (single use; topolab dashboard prints a new one)\n`);
        await stopSignal.promise;
      }
    } finally {
      await control.close();
    }
  } finally {
    listener = dashboard ? () => undefined : createPlainEventPrinter(io.stdout);
    await topology.stop();
    stopSignal.dispose();
  }
  io.stdout.write('stopped: every instance has exited\n');
  return 0;
}

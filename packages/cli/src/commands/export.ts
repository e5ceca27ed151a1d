import { Argument, Option, type Command } from 'commander';
import { join, relative } from 'node:path';
import type { ServiceName } from '@topolab/runtime';
import { parsePort } from '../options.js';
import type { CommandContext } from '../program.js';
import { addTopologyShapeOptions, dataDirOption, replicasOption, topologyShapeFrom, type TopologyShape, type TopologyShapeFlags } from './shared-options.js';
import { controlClient, loadRuntime } from './runtime.js';

interface ExportOptions extends TopologyShapeFlags {
  out: string;
  port: number;
  image: string;
  running?: boolean;
  dataDir: string;
}

/** The shape of the topology running in `dataDir`, from its control API (CONTROL_NOT_RUNNING when none runs). */
async function runningShape(dataDir: string): Promise<TopologyShape> {
  const status = await (await controlClient(dataDir)).status();
  const replicas: Record<string, number> = {};
  // Every instance it has, a crashed or paused one too: a fault is not a change of shape.
  for (const instance of status.instances) replicas[instance.service] = (replicas[instance.service] ?? 0) + 1;
  delete replicas.dns;
  return { replicas: replicas as Partial<Record<ServiceName, number>>, timings: status.timingsPreset, modes: status.modes, limits: status.limits, backends: status.backends };
}

/** `topolab export compose|kubernetes --out DIR`: the topology for a container engine, plus the Dockerfile of its image. */
export function registerExportCommand(program: Command, ctx: CommandContext): void {
  addTopologyShapeOptions(program.command('export'))
    .description('write the topology for Docker Compose or Kubernetes (one container per instance, probes on /health, secrets as secrets) and the Dockerfile of its image')
    .addArgument(new Argument('<target>', 'the engine').choices(['compose', 'kubernetes']))
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .addOption(replicasOption())
    .addOption(new Option('-p, --port <port>', 'host port of gateway #1 (Compose)').argParser(parsePort).default(8080))
    .addOption(new Option('--image <name>', 'the image the Node services run (build it with the exported Dockerfile)').default('topolab:local'))
    .option('--running', 'export the topology running in --data-dir as it is now: its modes (switched live too), replica counts, limits, timings and backends; the topology flags are ignored')
    .addOption(dataDirOption())
    .addHelpText(
      'after',
      `
Examples:
  $ topolab export compose --out deploy/compose && docker build -f deploy/compose/Dockerfile -t topolab:local .
  $ docker compose -f deploy/compose/compose.yaml up -d
  $ topolab export kubernetes --out deploy/k8s --discovery server --lb nginx --cache redis --bus redis
  $ topolab export compose --out deploy/compose --running      the topology topolab up runs now
  $ kind load docker-image topolab:local && kubectl apply -f deploy/k8s/topolab.yaml`,
    )
    .action(async (target: 'compose' | 'kubernetes', options: ExportOptions) => {
      const { countExportSecrets, normalizeTopologyOptions, planExport, renderCompose, renderKubernetes, renderDockerfile, writeExportFiles } = await loadRuntime();
      const shape = options.running ? await runningShape(options.dataDir) : topologyShapeFrom(options);
      const topology = normalizeTopologyOptions({ dataDir: options.out, ...shape }, { programs: false });
      const plan = planExport(topology, { image: options.image, publishPort: options.port });
      const files = [...(target === 'compose' ? renderCompose(plan) : renderKubernetes(plan)), ...renderDockerfile()];
      const written = writeExportFiles(options.out, files);
      const { io } = ctx;
      io.stdout.write(`wrote ${target === 'compose' ? 'a Compose file' : 'Kubernetes manifests'} for ${plan.instances.length} instances (discovery ${plan.modes.discovery}, auth ${plan.modes.auth}) into ${options.out}:\n`);
      const shown = (path: string) => (path.startsWith(`${process.cwd()}/`) ? relative(process.cwd(), path) : path);
      for (const path of written) if (!path.includes('/secrets/')) io.stdout.write(`  ${shown(path)}\n`);
      const secrets = countExportSecrets(plan);
      const counted = `${secrets.client} client secrets, ${secrets.keys} signing keys${secrets.redis > 0 ? ` and ${secrets.redis} Redis credentials` : ''}`;
      io.stdout.write(`  ${counted}: ${target === 'compose' ? `files in ${join(options.out, 'secrets')}, a folder only you can open` : 'the Secret topolab-credentials, in topolab.yaml (mode 0600), mounted as files in each pod (its own keys only)'}\n`);
      for (const line of plan.leftOut) io.stdout.write(`left out: ${line}\n`);
    });
}

import type { ControlClient } from '@topolab/runtime';

/**
 * The runtime, loaded when a command runs rather than when the CLI starts: it brings the
 * supervisor, execa, the clients and the bench (about half a second), which `--help` and
 * usage errors never need. Commands declare their options from `@topolab/runtime/cli-facts`.
 */
export function loadRuntime(): Promise<typeof import('@topolab/runtime')> {
  return import('@topolab/runtime');
}

/**
 * What `up` needs of the runtime: the topology and the control server, from their own entry
 * points. The whole index also loads the scenarios, the bench and the export: about 90 ms more
 * CPU before the first instance starts (farm-bench, 0.29 → 0.20 s to import).
 */
export async function loadTopologyRuntime(): Promise<Pick<typeof import('@topolab/runtime'), 'normalizeTopologyOptions' | 'startTopology' | 'startControlServer'>> {
  const [topology, control] = await Promise.all([import('@topolab/runtime/topology'), import('@topolab/runtime/control')]);
  return { normalizeTopologyOptions: topology.normalizeTopologyOptions, startTopology: topology.startTopology, startControlServer: control.startControlServer };
}

/** The control client of the topology running in `dataDir`. */
export async function controlClient(dataDir: string): Promise<ControlClient> {
  return (await loadRuntime()).createControlClient({ dataDir });
}

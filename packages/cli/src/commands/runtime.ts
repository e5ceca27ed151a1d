import type { ControlClient } from '@topolab/runtime';

/**
 * The runtime, loaded when a command runs rather than when the CLI starts: it brings the
 * supervisor, execa, the clients and the bench (about half a second), which `--help` and
 * usage errors never need. Commands declare their options from `@topolab/runtime/cli-facts`.
 */
export function loadRuntime(): Promise<typeof import('@topolab/runtime')> {
  return import('@topolab/runtime');
}

/** The control client of the topology running in `dataDir`. */
export async function controlClient(dataDir: string): Promise<ControlClient> {
  return (await loadRuntime()).createControlClient({ dataDir });
}

import { render } from 'ink';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import type { CliIo } from '../io.js';
import { Dashboard } from './Dashboard.js';

/** Options of renderDashboard. */
export interface RenderDashboardOptions {
  readonly topology: Topology;
  readonly io: CliIo;
  readonly initialEvents: readonly TopologyEvent[];
  readonly onQuit: () => void;
  /** The web dashboard's login link. */
  readonly webLink?: string;
}

/** Draws the dashboard on the terminal; Ctrl-C is handled by the dashboard (clean stop), not by ink. */
export function renderDashboard(options: RenderDashboardOptions): { unmount(): void } {
  const instance = render(<Dashboard topology={options.topology} initialEvents={options.initialEvents} onQuit={options.onQuit} {...(options.webLink ? { webLink: options.webLink } : {})} />, {
    stdout: options.io.stdout,
    stdin: options.io.stdin,
    stderr: options.io.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { unmount: () => instance.unmount() };
}

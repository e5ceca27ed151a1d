import { formatEdge } from './format.js';
import { formatHops } from '@topolab/runtime/trace-model';
import type { DemoResult, DemoStep } from '@topolab/runtime/demo';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { createColors } from './colors.js';

/** Prints the demo's progress and narration as plain lines (coloured on a terminal unless NO_COLOR). */
export interface DemoPrinter {
  line(text: string): void;
  /** Start-up progress: one line per instance that becomes ready. */
  progress(event: TopologyEvent): void;
  ready(topology: Topology): void;
  step(step: DemoStep): void;
  done(result: DemoResult): void;
}

/** Creates the printer of `topolab demo`. */
export function createDemoPrinter(stream: NodeJS.WriteStream): DemoPrinter {
  const c = createColors(stream);
  const write = (text: string) => stream.write(`${text}\n`);
  return {
    line: (text) => write(c.dim(text)),
    progress(event) {
      if (event.type === 'instance.state' && event.state === 'ready') write(c.dim(`  ${event.instanceId} ready`));
      if (event.type === 'instance.crashed') write(c.red(`  ${event.instanceId} crashed; log ${event.logFile}`));
    },
    ready(topology) {
      write(`${c.green('●')} all ${topology.instances().length} instances ready in ${Math.round(topology.readyMs)} ms · gateway ${topology.edge.url}${topology.edge.url === topology.gatewayUrl ? '' : ` (${topology.gatewayUrl})`}`);
      for (const line of formatEdge(topology.edge)) write(c.dim(`  ${line}`));
      write('');
    },
    step(step) {
      const mark = step.ok ? c.green('✓') : c.red('✖');
      const status = step.status === undefined ? '' : ` ${step.status}`;
      write(`${mark} ${step.index}. ${c.bold(step.title)}`);
      write(`     ${c.cyan(step.action)}${status}${step.hops.length > 0 ? `  ${formatHops(step.hops)}` : `  ${step.durationMs.toFixed(1)} ms`}`);
      if (step.detail) write(`     ${c.dim(step.detail)}`);
    },
    done(result) {
      write(`\n${c.green('✓')} ${result.user.username} is registered, verified and logged in with SMS 2FA, and has mail (${result.steps.length} steps).`);
    },
  };
}

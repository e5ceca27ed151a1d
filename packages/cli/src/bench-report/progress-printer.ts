import { Chalk } from 'chalk';
import type { BenchProgress, BenchProgressListener } from '@topolab/runtime/bench';
import { minCpuUsPerRequest, orderCpuGroups } from '@topolab/runtime/cli-facts';
import { formatDuration, formatMb, formatMs, formatRps, formatUs } from './figures.js';

/** Where and how progress is printed. */
export interface ProgressPrinterOptions {
  readonly stream: NodeJS.WritableStream;
  /** A terminal: a live "running…" line is drawn and replaced by each row's result. */
  readonly interactive: boolean;
  readonly color: boolean;
}

/** One line for an event, or undefined for an event shown only live (row-start). */
export function describeProgress(event: BenchProgress): string | undefined {
  switch (event.type) {
    case 'section':
      return `▸ ${event.section}: ${event.detail}`;
    case 'row-start':
      return undefined;
    case 'row': {
      const s = event.sample;
      const failures = s.errors + s.non2xx > 0 ? `  errors ${s.errors}  non-2xx ${s.non2xx}` : '';
      const shares = s.cpu ? orderCpuGroups(Object.keys(s.cpu.usPerRequest)).filter((group) => s.cpu!.usPerRequest[group]! >= minCpuUsPerRequest) : [];
      const cpu = shares.length > 0 ? `  µs/req ${shares.map((group) => `${group} ${formatUs(s.cpu!.usPerRequest[group])}`).join(' · ')}` : '';
      return `  round ${event.round}/${event.rounds}  ${s.rowId.padEnd(20)} ${formatRps(s.requestsPerSec).padStart(6)} req/s  p50 ${formatMs(s.latencyMs.p50)}  p90 ${formatMs(s.latencyMs.p90)}  p99 ${formatMs(s.latencyMs.p99)} ms${failures}${cpu}`;
    }
    case 'row-missing':
      return `  ${event.rowId.padEnd(20)} missing: ${event.reason}`;
    case 'round':
      return `  round ${event.snapshot.round}/${event.rounds} done; gateway RSS ${Object.entries(event.snapshot.gatewayRssMb).map(([id, mb]) => `${id} ${formatMb(mb)}`).join(', ')}`;
    case 'revocation': {
      const r = event.result;
      return `  auth=${r.auth.padEnd(8)}${r.backend === 'redis' ? ' on redis' : ''} p50 ${formatMs(r.p50Ms)}  p99 ${formatMs(r.p99Ms)}  max ${formatMs(r.maxMs)} ms  accepted after logout ${r.acceptedAfterLogout}  (${r.sessions} logouts, ${r.gateways} gateways)`;
    }
    case 'failover': {
      const f = event.result;
      const window = f.failureWindowMs ? `  window ${formatMs(f.failureWindowMs[0])}…${formatMs(f.failureWindowMs[1])} ms after the kill` : '';
      const reload = f.reloadLagMs === undefined ? '' : `, nginx routed by it ${formatMs(f.reloadLagMs)} ms later`;
      return `  discovery=${f.discovery.padEnd(6)}${f.backend === 'nginx' ? ' via nginx' : ''} evicted after ${formatMs(f.detectionMs)} ms${reload}  failed ${f.failed}/${f.requests} (timed out ${f.timedOut})${window}`;
    }
    case 'fanout': {
      const f = event.result;
      const spread = Object.entries(f.perInstance).map(([id, n]) => `${id} ${n}`).join(', ');
      return `  bus=${f.backend.padEnd(8)} p50 ${formatMs(f.latencyMs.p50)}  p99 ${formatMs(f.latencyMs.p99)}  max ${formatMs(f.latencyMs.max)} ms  (same instance p50 ${formatMs(f.sameInstanceMs.p50)}, other p50 ${formatMs(f.otherInstanceMs.p50)} ms; ${f.messages} messages × ${f.receivers} receivers: ${spread}; sender on ${f.senderInstance}${f.duplicates > 0 ? `; ${f.duplicates} DUPLICATES` : ''})`;
    }
    case 'coldstart':
      return `  start ${event.run}/${event.runs}: all ready in ${formatMs(event.readyMs)} ms`;
    case 'coldstart-done':
      return undefined;
  }
}

/** A progress listener printing a line per event; on a terminal also a live line while a row runs. */
export function createProgressPrinter(options: ProgressPrinterOptions): BenchProgressListener {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  let live = false;
  const clearLive = () => {
    if (live) options.stream.write('\r\x1b[K');
    live = false;
  };
  return (event) => {
    if (event.type === 'row-start') {
      if (!options.interactive) return;
      clearLive();
      options.stream.write(c.dim(`  round ${event.round}/${event.rounds}  ${event.rowId.padEnd(20)} running for ${formatDuration(event.durationMs)}…`));
      live = true;
      return;
    }
    const line = describeProgress(event);
    if (line === undefined) return;
    clearLive();
    options.stream.write(`${event.type === 'section' ? c.bold(line) : event.type === 'row-missing' ? c.yellow(line) : line}\n`);
  };
}

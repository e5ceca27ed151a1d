import { formatModes } from '@topolab/runtime/cli-facts';
import type { InstanceView, ScaleResult } from '@topolab/runtime/topology';
import type { LimitSettings, TopologyEvent } from '@topolab/runtime';

/** `12:04:05.123` in local time. */
export function formatClock(time: number): string {
  const d = new Date(time);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `0.2 s ago`, or `—` when never. */
export function formatAge(time: number | undefined, now: number): string {
  if (time === undefined) return '—';
  const seconds = Math.max(0, now - time) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s ago` : `${Math.round(seconds / 60)} min ago`;
}

/**
 * The state of an instance as a person reads it: its process state, or `zombie` (ready, its
 * heartbeats paused on purpose), or `unlisted` (ready, yet not in the registry's catalog).
 */
export function instanceCondition(instance: InstanceView): InstanceView['state'] | 'zombie' | 'unlisted' {
  // Every instance but the registry itself holds a lease; a ready one missing from the catalog is a zombie or evicted.
  const unlisted = instance.service !== 'registry' && instance.registered === false && instance.state === 'ready';
  return instance.zombie && instance.state === 'ready' ? 'zombie' : unlisted ? 'unlisted' : instance.state;
}

/** The cells of one instance row: INSTANCE, ADDRESS, PID, STATE, HEARTBEAT, REQUESTS, ERRORS. */
export function instanceCells(instance: InstanceView, now: number): string[] {
  const condition = instanceCondition(instance);
  return [
    instance.id,
    `${instance.host}:${instance.port}`,
    instance.pid === undefined ? '—' : String(instance.pid),
    condition === 'unlisted' ? 'ready (not in registry)' : condition,
    formatAge(instance.lastHeartbeat, now),
    String(instance.requests),
    String(instance.errors),
  ];
}

/** Headers matching instanceCells. */
export const instanceHeaders = ['INSTANCE', 'ADDRESS', 'PID', 'STATE', 'HEARTBEAT', 'REQUESTS', 'ERRORS'] as const;

/**
 * One line for an event worth showing a person (states, crashes, warnings, domain events),
 * or undefined for noise (spans, info logs). Never holds a secret: events carry none.
 */
export function describeEvent(event: TopologyEvent): string | undefined {
  switch (event.type) {
    case 'instance.state': {
      const pid = event.pid === undefined ? '' : `  pid ${event.pid}`;
      return `${event.instanceId.padEnd(11)} ${event.state}${pid}`;
    }
    case 'instance.crashed': {
      const how = event.signal ? `signal ${event.signal}` : `exit code ${String(event.exitCode)}`;
      return `${event.instanceId.padEnd(11)} crashed (${how}); log ${event.logFile}`;
    }
    case 'instance.condition':
      return `${event.instanceId.padEnd(11)} ${event.condition}${event.detail ? ` (${event.detail})` : ''}`;
    case 'log':
      if (event.record.level !== 'warn' && event.record.level !== 'error' && event.source !== 'stderr') return undefined;
      return `${event.instanceId.padEnd(11)} ${event.record.level.toUpperCase()} ${event.record.msg}`;
    case 'event':
      return `${event.instanceId.padEnd(11)} ${describeDomainEvent(event.name, event.data)}`;
    case 'topology.ready':
      return `all ready in ${Math.round(event.readyMs)} ms · gateway ${event.gatewayUrl}`;
    case 'topology.modes':
      return `modes: ${formatModes(event.modes)} (was ${formatModes(event.previous)})`;
    case 'topology.fault':
      return formatFault(event.action, event.target, event.detail);
    case 'topology.stopping':
      return 'stopping every instance…';
    case 'topology.stopped':
      return 'every instance has exited';
    default:
      return undefined;
  }
}

/** `kill profile#2 · SIGKILL: pid 4242 is gone`. */
export function formatFault(action: string, target: string, detail: string): string {
  return `${action} ${target} · ${detail}`;
}

/** `scale profile 2 → 3 · started profile#3`. */
export function formatScale(result: ScaleResult): string {
  const changes = [...result.started.map((id) => `started ${id}`), ...result.stopped.map((id) => `stopped ${id}`)];
  return `scale ${result.service} ${result.previous} → ${result.replicas} · ${changes.length > 0 ? changes.join(', ') : 'nothing to do'}`;
}

function describeDomainEvent(name: string, data: Readonly<Record<string, unknown>>): string {
  const str = (key: string) => String(data[key] ?? '?');
  switch (name) {
    case 'registry.registered':
      return `registered ${str('instanceId')} @${str('address')}`;
    case 'registry.deregistered':
      return `deregistered ${str('instanceId')}`;
    case 'gateway.modes':
      return `switched to discovery ${str('discovery')} · auth ${str('auth')}`;
    case 'registry.evicted':
      return `evicted ${str('instanceId')} (missed heartbeats)`;
    case 'sms.sent':
      return `SMS ${str('template')} → ${str('to')}`;
    case 'nginx.reloaded': {
      const lag = typeof data.lagMs === 'number' ? `nginx routes by it ${Math.round(data.lagMs)} ms after the registry change` : 'nginx routes by it';
      const reload = typeof data.reloadMs === 'number' ? ` (reload ${data.reloadMs.toFixed(1)} ms)` : '';
      return `nginx.conf generation ${str('generation')}${data.change ? ` for ${str('change')}` : ''}: ${lag}${reload}`;
    }
    case 'nginx.registered':
      return `registered ${str('instanceId')} @${str('address')} as an lb instance (it answers its health check)`;
    case 'nginx.deregistered':
      return `deregistered ${str('instanceId')}: ${str('reason')}`;
    default: {
      const fields = Object.entries(data)
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
        .join(' ');
      return `${name}${fields ? ` ${fields}` : ''}`;
    }
  }
}

/** `rate limit 50/s, burst 100 · blacklist 20 × 401/429 in 10 s → 30 s` (or `off`). */
export function formatLimits(limits: LimitSettings): string {
  const rate = limits.rateLimitRps > 0 ? `rate limit ${limits.rateLimitRps}/s, burst ${limits.rateLimitBurst}` : 'rate limit off';
  const blacklist =
    limits.blacklistThreshold > 0
      ? `blacklist ${limits.blacklistThreshold} × 401/429 in ${limits.blacklistWindowMs / 1000} s → ${limits.blacklistBlockMs / 1000} s`
      : 'blacklist off';
  return `${rate} · ${blacklist}`;
}

/** What `formatEdge` reads: the edge of a topology, or of a status answer (no CA PEM). */
export interface EdgeFacts {
  readonly url: string;
  readonly redirectUrl?: string;
  readonly tls?: { readonly caFile: string; readonly notAfter: string; readonly reused: boolean };
  readonly dns?: { readonly host: string; readonly port: number; readonly name: string };
}

/**
 * The edge as lines: `https   CA /…/tls/ca.pem (valid until 2027-03-02) · http://127.0.0.1:8080 redirects (308)`
 * and `dns     www.topolab.test at 127.0.15.1:8053 · dig @127.0.15.1 -p 8053 www.topolab.test`.
 */
export function formatEdge(edge: EdgeFacts): string[] {
  const lines: string[] = [];
  if (edge.tls) {
    lines.push(`https     CA ${edge.tls.caFile} (valid until ${edge.tls.notAfter.slice(0, 10)}${edge.tls.reused ? ', reused' : ''})${edge.redirectUrl ? ` · ${edge.redirectUrl} redirects (308)` : ''}`);
  }
  if (edge.dns) {
    lines.push(`dns       ${edge.dns.name} at ${edge.dns.host}:${edge.dns.port} · dig @${edge.dns.host} -p ${edge.dns.port} ${edge.dns.name}${edge.url.includes(edge.dns.name) ? ` · ${edge.url}` : ''}`);
  }
  return lines;
}

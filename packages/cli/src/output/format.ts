import type { InstanceView, TopologyEvent } from '@topolab/runtime';

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

/** The cells of one instance row: INSTANCE, ADDRESS, PID, STATE, HEARTBEAT, REQUESTS, ERRORS. */
export function instanceCells(instance: InstanceView, now: number): string[] {
  // Every instance but the registry itself holds a lease; a ready one missing from the catalog is a zombie or evicted.
  const unlisted = instance.service !== 'registry' && instance.registered === false && instance.state === 'ready';
  const registered = unlisted ? 'ready (not in registry)' : instance.state;
  return [
    instance.id,
    `${instance.host}:${instance.port}`,
    instance.pid === undefined ? '—' : String(instance.pid),
    registered,
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
    case 'topology.stopping':
      return 'stopping every instance…';
    case 'topology.stopped':
      return 'every instance has exited';
    default:
      return undefined;
  }
}

function describeDomainEvent(name: string, data: Readonly<Record<string, unknown>>): string {
  const str = (key: string) => String(data[key] ?? '?');
  switch (name) {
    case 'registry.registered':
      return `registered ${str('instanceId')} @${str('address')}`;
    case 'registry.deregistered':
      return `deregistered ${str('instanceId')}`;
    case 'registry.evicted':
      return `evicted ${str('instanceId')} (missed heartbeats)`;
    case 'sms.sent':
      return `SMS ${str('template')} → ${str('to')}`;
    default: {
      const fields = Object.entries(data)
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
        .join(' ');
      return `${name}${fields ? ` ${fields}` : ''}`;
    }
  }
}

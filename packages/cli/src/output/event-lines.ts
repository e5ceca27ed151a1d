import type { EventDelivery, EventStatus } from '@topolab/runtime/events';
import type { ChalkInstance } from 'chalk';
import { formatClock } from './format.js';

// A UUID is shortened to its first 8 characters (`--json` has it whole).
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function shortId(id: string): string {
  return uuidPattern.test(id) ? id.slice(0, 8) : id;
}

/** Who an event is about: `3f2a9c1e (ada)`, plus the new name of a `user.updated`. */
function subjectOf(event: EventStatus): string {
  const data = event.data as { userId: string; username: string; firstName?: string };
  const who = `${shortId(data.userId)} (${data.username})`;
  return event.type === 'user.updated' && data.firstName !== undefined ? `${who} → ${data.firstName}` : who;
}

/** `profile ✓ 18 ms (profile#2)`, `chat … pending`, `sms ? unreachable`. */
export function formatDelivery(service: string, delivery: EventDelivery, c: ChalkInstance): string {
  switch (delivery.state) {
    case 'applied': {
      const lag = delivery.lagMs === undefined ? '' : ` ${Math.max(0, Math.round(delivery.lagMs))} ms`;
      const by = delivery.appliedBy === undefined ? '' : c.dim(` (${delivery.appliedBy})`);
      return `${service} ${c.green('✓')}${lag}${by}`;
    }
    case 'pending':
      return `${service} ${c.yellow('… pending')}`;
    case 'unreachable':
      return `${service} ${c.red('? unreachable')}`;
  }
}

/** One line per event: `#3  user.deleted  3f2a9c1e (ada)  12:03:04.120  profile ✓ 18 ms (profile#2) · chat … pending`. */
export function formatEventLine(event: EventStatus, c: ChalkInstance): string {
  const deliveries = Object.entries(event.consumers).map(([service, delivery]) => formatDelivery(service, delivery, c));
  const outbox = event.publishedAt === undefined ? `  ${c.yellow('(in the outbox)')}` : '';
  const head = `${c.bold(`#${event.seq}`.padEnd(4))}  ${event.type.padEnd(12)}  ${subjectOf(event)}  ${c.dim(formatClock(event.occurredAt))}`;
  return `${head}${outbox}${deliveries.length > 0 ? `  ${deliveries.join(c.dim(' · '))}` : ''}`;
}

/** Whether every consumer asked has applied the event (nothing more to watch for with --follow). */
export function isSettled(event: EventStatus): boolean {
  return Object.values(event.consumers).every((delivery) => delivery.state === 'applied');
}

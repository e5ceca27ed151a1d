import type { EventStatus } from '@topolab/runtime/events';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { formatEventLine, isSettled } from './event-lines.js';
import { formatClock } from './format.js';

const plain = new Chalk({ level: 0 });
const occurredAt = Date.UTC(2030, 0, 1, 12, 3, 4, 120);

const deletion: EventStatus = {
  seq: 3,
  eventId: 'e3',
  type: 'user.deleted',
  occurredAt,
  publishedAt: occurredAt + 2,
  data: { userId: '3f2a9c1e-0000-4000-8000-000000000000', username: 'ada' },
  consumers: {
    profile: { state: 'applied', appliedAt: occurredAt + 18, appliedBy: 'profile#2', lagMs: 18, effect: { profiles: 1 } },
    mail: { state: 'applied' },
    sms: { state: 'unreachable' },
    chat: { state: 'pending' },
  },
};

describe('formatEventLine', () => {
  it('shows seq, type, whom, when, and each consumer with its lag and instance', () => {
    expect(formatEventLine(deletion, plain)).toBe(
      `#3    user.deleted  3f2a9c1e (ada)  ${formatClock(occurredAt)}  profile ✓ 18 ms (profile#2) · mail ✓ · sms ? unreachable · chat … pending`,
    );
  });

  it('shows the new name of a user.updated, and an event still in the outbox', () => {
    const { publishedAt: _published, ...unpublished } = deletion;
    const update: EventStatus = { ...unpublished, type: 'user.updated', data: { userId: 'u1', username: 'ada', firstName: 'Ada' }, consumers: {} };
    expect(formatEventLine(update, plain)).toBe(`#3    user.updated  u1 (ada) → Ada  ${formatClock(occurredAt)}  (in the outbox)`);
  });

  it('calls an event settled once every consumer applied it', () => {
    expect(isSettled(deletion)).toBe(false);
    expect(isSettled({ ...deletion, consumers: { profile: { state: 'applied' } } })).toBe(true);
  });
});

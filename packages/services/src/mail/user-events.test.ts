import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../contract/events-api.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import { eventHandlerOf } from '../kit/events/event-handlers.js';
import { domainEvent } from '#test-support/kit-events.js';
import { testServiceHeaders } from '#test-support/kit-service-auth.js';
import { deletedSender } from './account-store.js';
import { startTestMail, testUsers, type TestMail } from '#test-support/mail.js';
import { mailEventHandlers, refreshUserCache } from './user-events.js';
import { createUserDirectory } from './users.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestMail> {
  return closeAfterTest(startTestMail());
}

/** Applies `event` as the consumer does: the handler and its record in one transaction. */
function apply(mail: TestMail, event: DomainEvent) {
  const outcome = openConsumerStore(mail.store.db).apply(event, { appliedBy: 'mail#1', now: 1, handler: eventHandlerOf(mailEventHandlers(mail.store), event.type) });
  return outcome.record.effect;
}

const list = async (mail: TestMail, user: string, mailbox: string) => (await mail.request('GET', `/mail/mailboxes/${mailbox}`, undefined, user)).body.messages as { subject: string; from: { address: string; name?: string; userId?: string } }[];
const found = async (mail: TestMail, user: string, q: string) => ((await mail.request('GET', `/mail/search?q=${encodeURIComponent(q)}`, undefined, user)).body.messages as { subject: string }[]).map((m) => m.subject);

describe('mail user events', () => {
  it('user.deleted empties the user’s mailbox, contacts and groups, and shows their mail to others as from a deleted user', async () => {
    const mail = await start();
    await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', cc: ['cy@topolab.test'], subject: 'From Ada', body: 'Hello from Ada' }, 'ada');
    await mail.request('POST', '/mail/send', { to: 'ada@topolab.test', subject: 'To Ada', body: 'Hi Ada' }, 'bob');
    const contact = await mail.request('POST', '/mail/contacts', { name: 'Bob', address: 'bob@topolab.test' }, 'ada');
    await mail.request('POST', '/mail/groups', { name: 'Friends', members: [contact.body.contact.id] }, 'ada');
    await mail.request('POST', '/mail/contacts', { name: 'Ada', address: 'ada@topolab.test' }, 'bob');

    const effect = apply(mail, domainEvent(1, 'user.deleted', { userId: testUsers.ada.userId, username: 'ada' }));
    expect(effect).toEqual({ messages: 2, contacts: 1, groups: 1, anonymised: 2 });
    for (const mailbox of ['inbox', 'sent']) expect(await list(mail, 'ada', mailbox)).toEqual([]);
    expect((await mail.request('GET', '/mail/contacts', undefined, 'ada')).body.contacts).toEqual([]);
    expect((await mail.request('GET', '/mail/groups', undefined, 'ada')).body.groups).toEqual([]);
    for (const user of ['bob', 'cy']) {
      const [received] = await list(mail, user, 'inbox');
      expect(received).toMatchObject({ subject: 'From Ada', from: { address: deletedSender.address, name: deletedSender.name } });
      expect(received!.from.userId).toBeUndefined();
      // The index forgot the sender too.
      expect(await found(mail, user, 'from:ada')).toEqual([]);
      expect(await found(mail, user, '"Deleted user"')).toEqual(['From Ada']);
    }
    // Bob's own records stay his: what he sent, and his contact.
    expect((await list(mail, 'bob', 'sent')).map((m) => m.subject)).toEqual(['To Ada']);
    expect((await mail.request('GET', '/mail/contacts', undefined, 'bob')).body.contacts).toHaveLength(1);
  });

  it('user.updated shows the new first name on the mail the user sent, in listings and search', async () => {
    const mail = await start();
    await mail.request('POST', '/mail/send', { to: 'bob@topolab.test', bcc: ['cy@topolab.test'], subject: 'Hello', body: 'Greetings' }, 'ada');
    const effect = apply(mail, domainEvent(1, 'user.updated', { userId: testUsers.ada.userId, username: 'ada', firstName: 'Augusta' }));
    expect(effect).toEqual({ messages: 3 });
    expect((await list(mail, 'bob', 'inbox'))[0]!.from).toMatchObject({ address: 'ada@topolab.test', name: 'Augusta' });
    expect(await found(mail, 'bob', 'from:augusta')).toEqual(['Hello']);
    expect(await found(mail, 'bob', 'from:Ada')).toEqual(['Hello']);
    // The sender's copy keeps its bcc in the index.
    expect(await found(mail, 'ada', 'to:cy in:sent')).toEqual(['Hello']);
  });

  it('serves what it applied at GET /mail/internal/events/applied, to a service token with mail.events', async () => {
    const mail = await start();
    apply(mail, domainEvent(1, 'user.deleted', { userId: 'u-ghost', username: 'ghost' }));
    const answer = await fetch(`${mail.url}/mail/internal/events/applied`, { headers: testServiceHeaders('control', 'mail', ['mail.events']) });
    expect(await answer.json()).toMatchObject({ service: 'mail', cursor: 1, events: [{ seq: 1, effect: { messages: 0, contacts: 0, groups: 0, anonymised: 0 } }] });
    expect((await fetch(`${mail.url}/mail/internal/events/applied`, { headers: testServiceHeaders('control', 'mail', ['mail.read']) })).status).toBe(403);
  });

  it('each instance refreshes its own user cache on every event', async () => {
    const ada = { ...testUsers.ada };
    const directory = createUserDirectory({ lookup: async () => [ada] });
    await directory.byId(ada.userId);
    const onEvent = refreshUserCache(directory);
    const event = domainEvent(1, 'user.updated', { userId: ada.userId, username: 'ada', firstName: 'Augusta' });
    // Another instance applied it: this one only refreshes its cache.
    onEvent(event, { applied: false, record: { seq: 1, eventId: event.eventId, type: event.type, appliedAt: 1, appliedBy: 'mail#2', effect: {} } });
    expect((await directory.byId(ada.userId))?.firstName).toBe('Augusta');
  });
});

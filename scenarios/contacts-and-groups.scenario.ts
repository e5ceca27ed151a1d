import { defineScenario, type ScenarioContext, type ScenarioUser } from '@topolab/runtime/dsl';
import { addressOf, mailOf } from './support/mail.js';

interface Contact {
  readonly id: number;
  readonly name: string;
  readonly address: string;
  readonly phone: string | null;
}

interface Group {
  readonly id: number;
  readonly name: string;
  readonly members: readonly Pick<Contact, 'id' | 'name' | 'address'>[];
}

/** Requests to `/mail/contacts` and `/mail/groups` as one user. */
function addressBookOf(ctx: ScenarioContext, user: Pick<ScenarioUser, 'accessToken'>) {
  const token = user.accessToken;
  return {
    create: <T>(kind: 'contacts' | 'groups', body: unknown) => ctx.gateway.post<T>(`/mail/${kind}`, body, { token }),
    list: <T>(kind: 'contacts' | 'groups') => ctx.gateway.get<T>(`/mail/${kind}`, { token }),
    get: <T>(kind: 'contacts' | 'groups', id: number) => ctx.gateway.get<T>(`/mail/${kind}/${id}`, { token }),
    patch: <T>(kind: 'contacts' | 'groups', id: number, body: unknown) => ctx.gateway.request<T>({ method: 'PATCH', path: `/mail/${kind}/${id}`, body, token }),
    remove: (kind: 'contacts' | 'groups', id: number) => ctx.gateway.request({ method: 'DELETE', path: `/mail/${kind}/${id}`, token }),
  };
}

/**
 * The seed's contacts and groups: each user's own address book in the mail service, whose
 * contact and group names can stand for recipients when sending.
 */
export default defineScenario({
  name: 'contacts-and-groups',
  summary: 'Ada keeps contacts and a group in the mail service: bad input is 400, sending to the group reaches every member, removing a contact drops it from the group, and nobody else can see or touch them.',
  async run(ctx) {
    const [ada, bob, carol] = await ctx.step('Ada, Bob and Carol sign up', async () => [
      await ctx.users.signUp({ firstName: 'Ada' }),
      await ctx.users.signUp({ firstName: 'Bob' }),
      await ctx.users.signUp({ firstName: 'Carol' }),
    ]);
    const book = addressBookOf(ctx, ada!);
    const [bobAt, carolAt] = [addressOf(bob!), addressOf(carol!)];

    const [bobContact, carolContact] = await ctx.step('Ada adds Bob and Carol as contacts; a bad address, name or phone is 400', async () => {
      const bobAnswer = await book.create<{ contact: Contact }>('contacts', { name: 'Bob', address: bobAt.toUpperCase(), phone: '+15550100001' });
      ctx.expect(bobAnswer).toHaveStatus(201);
      ctx.expect(bobAnswer.body.contact).toMatchObject({ name: 'Bob', address: bobAt, phone: '+15550100001' });
      ctx.note('the address was stored lower-cased');
      const carolAnswer = await book.create<{ contact: Contact }>('contacts', { name: 'Carol', address: carolAt });
      ctx.expect(carolAnswer).toHaveStatus(201);
      for (const bad of [
        { name: 'Dana', address: 'dana@@topolab.test' },
        { name: 'Dana', address: 'dana' },
        { name: 'dana@topolab.test', address: 'dana@topolab.test' },
        { name: 'Dana', address: 'dana@topolab.test', phone: '0770 0900' },
      ]) {
        ctx.expect(await book.create('contacts', bad)).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      }
      ctx.expect(await book.create('contacts', { name: 'bob', address: 'other@topolab.test' })).toHaveStatus(409, 'MAIL_NAME_TAKEN');
      return [bobAnswer.body.contact, carolAnswer.body.contact];
    });

    await ctx.step('Ada lists, reads and edits her contacts', async () => {
      const listed = await book.list<{ contacts: Contact[] }>('contacts');
      ctx.expect(listed.body.contacts.map((c) => c.name)).toEqual(['Bob', 'Carol']);
      ctx.expect((await book.get<{ contact: Contact }>('contacts', carolContact!.id)).body.contact).toMatchObject({ name: 'Carol', address: carolAt, phone: null });
      const patched = await book.patch<{ contact: Contact }>('contacts', bobContact!.id, { phone: null });
      ctx.expect(patched).toHaveStatus(200);
      ctx.expect(patched.body.contact).toMatchObject({ name: 'Bob', phone: null });
      ctx.expect(await book.patch('contacts', bobContact!.id, {})).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      ctx.expect(await book.patch('contacts', bobContact!.id, { address: 'not an address' })).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      ctx.expect(await book.get('contacts', 999_999)).toHaveStatus(404, 'MAIL_CONTACT_NOT_FOUND');
    });

    const team = await ctx.step('Ada makes a group Team of Bob (by id) and Carol (by name); unknown members or groups are refused', async () => {
      const created = await book.create<{ group: Group }>('groups', { name: 'Team', members: [bobContact!.id, 'carol'] });
      ctx.expect(created).toHaveStatus(201);
      ctx.expect(created.body.group.members.map((m) => m.address)).toEqual([bobAt, carolAt]);
      const unknown = await book.create<{ error: { details: unknown } }>('groups', { name: 'Friends', members: ['Bob', 'Zed', 424_242] });
      ctx.expect(unknown).toHaveStatus(400, 'MAIL_MEMBER_UNKNOWN');
      ctx.expect(unknown.body.error.details).toEqual([
        { path: 'body.members.1', message: 'no contact named "Zed"' },
        { path: 'body.members.2', message: 'no contact with id 424242' },
      ]);
      ctx.expect(await book.create('groups', { name: 'Carol', members: [] })).toHaveStatus(409, 'MAIL_NAME_TAKEN');
      ctx.note('contacts and groups share one namespace: a name as a recipient must mean one thing');
      ctx.expect(await book.get('groups', 999_999)).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect(await book.patch('groups', 999_999, { name: 'Other' })).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect(await book.remove('groups', 999_999)).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      return created.body.group;
    });

    await ctx.step('sending to "team" expands to its members; an unknown name is 400, nothing sent', async () => {
      const sent = await mailOf(ctx, ada!).send({ to: 'team', subject: 'Offsite agenda', body: 'The agenda for the offsite is in the shared folder.' });
      ctx.expect(sent).toHaveStatus(201);
      ctx.expect(sent.body).toMatchObject({ delivered: 2, bounced: [] });
      for (const member of [bob!, carol!]) {
        const [received] = await mailOf(ctx, member).list('inbox');
        ctx.expect(received).toMatchObject({ subject: 'Offsite agenda', to: [bobAt, carolAt] });
      }
      ctx.note('mail resolved the group to its members’ addresses, then looked each up in auth like any address');
      const byContact = await mailOf(ctx, ada!).send({ to: 'Bob', cc: 'nobody-here', body: 'x' });
      ctx.expect(byContact).toHaveStatus(400, 'MAIL_RECIPIENT_UNKNOWN');
      ctx.expect((await mailOf(ctx, ada!).list('sent')).length).toBe(1);
    });

    await ctx.step('removing Carol’s contact removes her from Team; the next group mail reaches Bob only', async () => {
      const removed = await book.remove('contacts', carolContact!.id);
      ctx.expect(removed.status).toBe(204);
      ctx.expect(await book.get('contacts', carolContact!.id)).toHaveStatus(404, 'MAIL_CONTACT_NOT_FOUND');
      const group = await book.get<{ group: Group }>('groups', team.id);
      ctx.expect(group.body.group.members.map((m) => m.name)).toEqual(['Bob']);
      const sent = await mailOf(ctx, ada!).send({ to: 'team', subject: 'Offsite moved', body: 'The offsite moves to the second week of June.' });
      ctx.expect(sent.body).toMatchObject({ delivered: 1 });
      ctx.expect((await mailOf(ctx, carol!).list('inbox')).map((m) => m.subject)).not.toContain('Offsite moved');
      const emptied = await book.patch<{ group: Group }>('groups', team.id, { members: [] });
      ctx.expect(emptied.body.group.members).toEqual([]);
      ctx.expect(await mailOf(ctx, ada!).send({ to: 'team', body: 'anyone?' })).toHaveStatus(400, 'MAIL_RECIPIENTS_EMPTY');
      ctx.expect((await book.patch<{ group: Group }>('groups', team.id, { members: ['Bob'] })).body.group.members.map((m) => m.name)).toEqual(['Bob']);
    });

    await ctx.step('Bob cannot see or touch Ada’s contacts and groups: 404 as if they did not exist', async () => {
      const bobsBook = addressBookOf(ctx, bob!);
      ctx.expect((await bobsBook.list<{ contacts: Contact[] }>('contacts')).body.contacts).toEqual([]);
      ctx.expect((await bobsBook.list<{ groups: Group[] }>('groups')).body.groups).toEqual([]);
      ctx.expect(await bobsBook.get('contacts', bobContact!.id)).toHaveStatus(404, 'MAIL_CONTACT_NOT_FOUND');
      ctx.expect(await bobsBook.patch('contacts', bobContact!.id, { name: 'Mine now' })).toHaveStatus(404, 'MAIL_CONTACT_NOT_FOUND');
      ctx.expect(await bobsBook.remove('contacts', bobContact!.id)).toHaveStatus(404, 'MAIL_CONTACT_NOT_FOUND');
      ctx.expect(await bobsBook.get('groups', team.id)).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect(await bobsBook.patch('groups', team.id, { members: [] })).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect(await bobsBook.remove('groups', team.id)).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect(await bobsBook.create('groups', { name: 'Stolen', members: [bobContact!.id] })).toHaveStatus(400, 'MAIL_MEMBER_UNKNOWN');
      ctx.expect(await mailOf(ctx, bob!).send({ to: 'team', body: 'hi' })).toHaveStatus(400, 'MAIL_RECIPIENT_UNKNOWN');
      ctx.note('names are per user: "team" means nothing in Bob’s mail');
      ctx.expect((await book.get<{ group: Group }>('groups', team.id)).body.group.members.map((m) => m.name)).toEqual(['Bob']);
    });

    await ctx.step('Ada deletes the group; her contacts stay', async () => {
      ctx.expect((await book.remove('groups', team.id)).status).toBe(204);
      ctx.expect(await book.get('groups', team.id)).toHaveStatus(404, 'MAIL_GROUP_NOT_FOUND');
      ctx.expect((await book.list<{ contacts: Contact[] }>('contacts')).body.contacts.map((c) => c.name)).toEqual(['Bob']);
    });
  },
});

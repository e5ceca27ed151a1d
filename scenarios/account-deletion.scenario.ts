import { performance } from 'node:perf_hooks';
import { chatCloseCodes, defineScenario, type ChatHistoryPage, type ScenarioContext, type ScenarioUser } from '@topolab/runtime/dsl';
import { joinRoom, openChat } from './support/chat.js';
import { askAsUser, describeLags, watchEvents, type EventWatch } from './support/events.js';
import { instanceIdsOf } from './support/instances.js';
import { addressOf, mailOf } from './support/mail.js';

/** Every service that keeps a copy of a user's data and follows auth's domain events. */
const consumers = ['profile', 'mail', 'sms', 'chat'] as const;

/** How mail shows a deleted sender (mail/account-store.ts), and chat a deleted user's messages (chat/store.ts). */
const deletedSender = { address: 'deleted-user@topolab.invalid', name: 'Deleted user' };
const deletedChatUser = { from: 'deleted-user', text: '[deleted]' };

/** `DELETE /auth/me` answer: the account is gone in auth, the `user.deleted` event is logged. */
interface AccountDeleted {
  readonly deleted: true;
  readonly eventId: string;
  readonly seq: number;
}

/** Deletes `user`'s account through the gateway; answers the event's seq. */
async function deleteAccount(ctx: ScenarioContext, user: ScenarioUser): Promise<AccountDeleted> {
  const answer = await ctx.gateway.request<AccountDeleted>({ method: 'DELETE', path: '/auth/me', body: { password: user.password }, token: user.accessToken });
  ctx.expect(answer).toHaveStatus(202);
  return answer.body;
}

/** Waits until `services` applied `seq`, records each one's lag (applied − occurred) and notes them. */
async function measureConsistency(ctx: ScenarioContext, watch: EventWatch, seq: number, services: readonly string[], label: string, timeout?: number) {
  const event = await watch.logged(seq);
  const records = await watch.waitUntilApplied(services, seq, timeout);
  for (const [service, record] of records) ctx.measure(`${label}: ${service}`, record.appliedAt - event.occurredAt, 'ms');
  ctx.note(`${event.type} #${seq} consistent: ${describeLags(event, records)}`);
  return { event, records };
}

/**
 * Seed 004's eventual consistency: auth owns the account, four services keep copies of the
 * user's data. A deletion commits in auth with its `user.deleted` event (a transactional
 * outbox), the relay publishes it on the bus, and each service applies it once, in its own
 * database. A service that was down catches up from auth's log when it starts.
 */
export default defineScenario({
  name: 'account-deletion',
  // Consumers reach auth's log through discovery of their own; the gateway's discovery only routes the requests. Every auth mode: the deletion revokes tokens.
  modes: { discovery: ['client'] },
  summary: 'A user with a profile, mail, SMS and chat deletes their account: every service applies user.deleted within milliseconds; with profile killed it catches up from auth’s log when it restarts; a new first name reaches the mail others received.',
  timeoutMs: 90_000,
  async run(ctx) {
    const watch = watchEvents(ctx);
    const [ann, bob] = await ctx.step('Ann and Bob sign up (their phones got codes: SMS history)', async () => [await ctx.users.signUp({ firstName: 'Ann' }), await ctx.users.signUp({ firstName: 'Bob' })] as const);
    const [annMail, bobMail] = [mailOf(ctx, ann), mailOf(ctx, bob)];

    const annChat = await ctx.step('Ann makes a profile, mails Bob and gets his answer, and says hello in the lobby', async () => {
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Ann A.', bio: 'Deletes things.' }, { token: ann.accessToken })).toHaveStatus(201);
      ctx.expect(await annMail.send({ to: addressOf(bob), subject: 'Lunch?', body: 'Noon at the usual place?' })).toHaveStatus(201);
      ctx.expect(await bobMail.send({ to: addressOf(ann), subject: 'Re: Lunch?', body: 'Yes, see you there.' })).toHaveStatus(201);
      const chat = await openChat(ctx, { token: ann.accessToken });
      await joinRoom(chat, 'lobby');
      chat.socket.send({ type: 'send', room: 'lobby', text: 'hello from Ann' });
      await ctx.waitFor(async () => (await lobbyOf(ctx, bob)).some((message) => message.from === ann.userId), { message: 'Ann’s chat message in the lobby history' });
      const texts = (await ctx.phone.messages(ann.phone)).filter((message) => message.userId === ann.userId);
      ctx.expect(texts.length).toBeGreaterThan(0);
      ctx.note(`Ann's data now lives in profile, mail (2 messages), sms (${texts.length} texts to ${ann.phone}) and chat; auth only owns the account`);
      return chat;
    });

    await ctx.step('Ann renames herself (PATCH /auth/me): user.updated reaches the mail Bob received', async () => {
      const renamed = await ctx.gateway.request<{ firstName: string; seq: number }>({ method: 'PATCH', path: '/auth/me', body: { firstName: 'Annie' }, token: ann.accessToken });
      ctx.expect(renamed).toHaveStatus(200);
      await measureConsistency(ctx, watch, renamed.body.seq, consumers, 'user.updated');
      const [received] = await bobMail.list('inbox');
      ctx.expect(received!.from).toMatchObject({ address: addressOf(ann), name: 'Annie' });
      ctx.note('mail rewrote the sender name of the copies Ann sent (and re-indexed them); profile, sms and chat only advanced their cursor');
    });

    await ctx.step('Ann deletes her account: auth answers 202 at once, the services catch up within milliseconds', async () => {
      const startedAt = performance.now();
      const { seq } = await deleteAccount(ctx, ann);
      const { records } = await measureConsistency(ctx, watch, seq, consumers, 'user.deleted');
      ctx.note(`every service consistent ${Math.round(performance.now() - startedAt)} ms after the DELETE was sent (as polled through the internal routes)`);
      ctx.note(`effects: ${[...records].map(([service, record]) => `${service} ${JSON.stringify(record.effect)}`).join(' · ')}`);
      const closed = await Promise.race([annChat.socket.closed, ctx.sleep(3000).then(() => undefined)]);
      ctx.expect(closed?.code).toBe(chatCloseCodes.sessionEnded);
      ctx.note(`Ann's open chat socket was closed ${closed!.code} "${closed!.reason}" (her tokens were revoked with the account, and chat ends a deleted user's sockets)`);
    });

    await ctx.step('Ann’s data is gone everywhere; what Bob holds shows a deleted user', async () => {
      ctx.expect(await ctx.gateway.post('/auth/login', { username: ann.username, password: ann.password })).toHaveStatus(401, 'AUTH_INVALID_CREDENTIALS');
      const profile = await askAsUser(ctx, instanceIdsOf(ctx, 'profile')[0]!, '/profile/me', ann.userId);
      ctx.expect(profile.status).toBe(404);
      const inbox = await askAsUser(ctx, 'mail#1', '/mail/mailboxes/inbox', ann.userId);
      ctx.expect((inbox.body as { messages: unknown[] }).messages).toHaveLength(0);
      ctx.note('asked directly as the gateway would for Ann’s id: profile 404, an empty mailbox');
      const [received] = await bobMail.list('inbox');
      ctx.expect(received).toMatchObject({ subject: 'Lunch?', from: deletedSender });
      ctx.expect((await bobMail.list('sent')).map((message) => message.subject)).toEqual(['Re: Lunch?']);
      ctx.expect((await ctx.phone.messages(ann.phone)).filter((message) => message.userId === ann.userId)).toHaveLength(0);
      const lobby = await lobbyOf(ctx, bob);
      ctx.expect(lobby.filter((message) => message.from === ann.userId)).toHaveLength(0);
      ctx.expect(lobby.map((message) => ({ from: message.from, text: message.text }))).toContain(deletedChatUser);
      ctx.note(`Bob's inbox: "${received!.subject}" from ${deletedSender.name} <${deletedSender.address}>; the lobby shows "${deletedChatUser.text}" from ${deletedChatUser.from}`);
    });

    const cy = await ctx.step('Cy signs up and makes a profile', async () => {
      const user = await ctx.users.signUp({ firstName: 'Cy' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Cy' }, { token: user.accessToken })).toHaveStatus(201);
      return user;
    });

    const profiles = instanceIdsOf(ctx, 'profile');
    const cySeq = await ctx.step(`kill every profile instance (${profiles.join(', ')}), then Cy deletes their account`, async () => {
      for (const id of profiles) await ctx.topology.kill(id);
      const { seq } = await deleteAccount(ctx, cy);
      await measureConsistency(ctx, watch, seq, ['mail', 'sms', 'chat'], 'user.deleted with profile down');
      const profile = await watch.consistency('profile', seq);
      ctx.expect(profile.state).toBe('unreachable');
      ctx.note(`profile is not consistent yet (${profile.state}): user.deleted #${seq} waits in auth's log`);
      return seq;
    });

    await ctx.step('restart profile: it reads auth’s log after its cursor at start-up and catches up', async () => {
      const restartedAt = Date.now();
      await ctx.topology.restart(profiles[0]!);
      const readyAt = Date.now();
      for (const id of profiles.slice(1)) await ctx.topology.restart(id);
      const { event, records } = await measureConsistency(ctx, watch, cySeq, ['profile'], 'user.deleted after restart', 10_000);
      const record = records.get('profile')!;
      ctx.measure('profile catch-up after restart', record.appliedAt - restartedAt, 'ms');
      const when = record.appliedBy === profiles[0] && record.appliedAt <= readyAt ? `, during its start-up, before it reported ready` : '';
      ctx.note(`${record.appliedBy} applied #${cySeq} ${record.appliedAt - restartedAt} ms after the restart began${when} (${record.appliedAt - event.occurredAt} ms after the deletion), effect ${JSON.stringify(record.effect)}`);
      ctx.expect(record.effect).toEqual({ profiles: 1, preferences: 0 });
      ctx.expect((await askAsUser(ctx, profiles[0]!, '/profile/me', cy.userId)).status).toBe(404);
    });
  },
});

/** The lobby's latest history as `user` reads it through the gateway. */
async function lobbyOf(ctx: ScenarioContext, user: ScenarioUser): Promise<ChatHistoryPage['messages']> {
  const page = await ctx.gateway.get<ChatHistoryPage>('/chat/rooms/lobby/messages', { token: user.accessToken });
  ctx.expect(page).toHaveStatus(200);
  return page.body.messages;
}

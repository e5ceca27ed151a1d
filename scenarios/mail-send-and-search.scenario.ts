import { defineScenario } from '@topolab/runtime/dsl';
import { addressOf, attachment, dayOf, mailOf, type MailSummary } from './support/mail.js';

const reportBody = 'Hi both, the quarterly report draft is attached. The budget review section still needs the numbers from finance.';

/**
 * The seed's sending and searching of mail: the mail service behind the gateway delivers
 * copies between users it looks up in auth, keeps inbox, sent, spam and trash per user, and
 * searches each user's own mail over SQLite FTS5 with a small query language.
 */
export default defineScenario({
  name: 'mail-send-and-search',
  summary: 'Three users mail each other through the gateway: to/cc/bcc, a bounce, mailbox pages, flags, moves and deletes, and searches that only ever see your own mail.',
  async run(ctx) {
    const [ada, bob, carol] = await ctx.step('Ada, Bob and Carol sign up; each has username@topolab.test', async () => [
      await ctx.users.signUp({ firstName: 'Ada' }),
      await ctx.users.signUp({ firstName: 'Bob' }),
      await ctx.users.signUp({ firstName: 'Carol' }),
    ]);
    const [adaMail, bobMail, carolMail] = [mailOf(ctx, ada!), mailOf(ctx, bob!), mailOf(ctx, carol!)];
    const [adaAt, bobAt, carolAt] = [addressOf(ada!), addressOf(bob!), addressOf(carol!)];

    const report = await ctx.step('Ada sends a report to Bob, cc Carol, with an attachment: one copy per mailbox', async () => {
      const sent = await adaMail.send({
        to: bobAt,
        cc: [carolAt],
        subject: 'Quarterly report draft',
        body: reportBody,
        attachments: [attachment('report.txt', 'text/plain', 'Revenue up, costs flat.')],
      });
      ctx.expect(sent).toHaveStatus(201);
      ctx.expect(sent.body).toMatchObject({ delivered: 2, bounced: [], quarantined: false });
      const [inBob] = await bobMail.list('inbox');
      const [inCarol] = await carolMail.list('inbox');
      for (const copy of [inBob, inCarol]) ctx.expect(copy).toMatchObject({ subject: 'Quarterly report draft', from: { address: adaAt, name: 'Ada' }, to: [bobAt], cc: [carolAt], attachmentCount: 1 });
      ctx.expect((await adaMail.list('sent')).map((m) => m.id)).toContain(sent.body.id);
      ctx.note('mail asked auth who the addresses belong to, then wrote the sent copy and both inbox copies in one transaction');
      return inBob!;
    });

    const party = await ctx.step('Ada writes to Carol, bcc Bob: only Ada’s own copy shows the bcc', async () => {
      const sent = await adaMail.send({ to: carolAt, bcc: [bobAt], subject: 'Surprise party for Dana', body: 'Dana turns forty on Friday: cake at four in the kitchen. Please keep it quiet.' });
      ctx.expect(sent).toHaveStatus(201);
      ctx.expect(sent.body.delivered).toBe(2);
      const [inBob] = await bobMail.list('inbox');
      const [inCarol] = await carolMail.list('inbox');
      const bobsCopy = (await bobMail.read(inBob!.id)).body.message;
      const carolsCopy = (await carolMail.read(inCarol!.id)).body.message;
      for (const copy of [bobsCopy, carolsCopy]) {
        ctx.expect(copy).toMatchObject({ subject: 'Surprise party for Dana', to: [carolAt], cc: [] });
        ctx.expect(copy.bcc).toBeUndefined();
        ctx.expect(JSON.stringify(copy)).not.toContain(bobAt);
      }
      ctx.expect((await adaMail.read(sent.body.id)).body.message.bcc).toEqual([bobAt]);
      ctx.note('Bob got his copy, yet neither his nor Carol’s says so: the bcc list is stored on the sender’s copy only');
      return inBob!;
    });

    const lunch = await ctx.step('unknown recipients bounce back to Ada as a delivery failure; Bob still gets his copy', async () => {
      const nobody = `nobody-${ada!.username}@topolab.test`;
      const sent = await adaMail.send({ to: [bobAt, nobody, 'someone@example.org'], subject: 'Lunch on Thursday', body: 'Noodles at half past twelve? The new place near the station.' });
      ctx.expect(sent).toHaveStatus(201);
      ctx.expect(sent.body.delivered).toBe(1);
      ctx.expect([...sent.body.bounced].sort()).toEqual([nobody, 'someone@example.org'].sort());
      const [failure] = await adaMail.list('inbox');
      ctx.expect(failure).toMatchObject({ id: sent.body.bounceId, kind: 'bounce', subject: 'Undeliverable: Lunch on Thursday', from: { address: 'mailer-daemon@topolab.test' } });
      const text = (await adaMail.read(failure!.id)).body.message.body;
      ctx.expect(text).toContain(`${nobody}: no such user`);
      ctx.expect(text).toContain('someone@example.org: the domain example.org is not served here');
      ctx.note('nothing is lost silently: the sender learns which addresses failed and why');
      ctx.expect(await adaMail.send({ to: ['bob@@topolab.test'], body: 'x' })).toHaveStatus(400, 'MAIL_RECIPIENT_INVALID');
      return (await bobMail.list('inbox'))[0]!;
    });

    await ctx.step('Carol sends Bob four standup notes; Bob pages through his inbox three at a time', async () => {
      for (let i = 1; i <= 4; i++) {
        ctx.expect(await carolMail.send({ to: bobAt, subject: `Standup notes ${i}`, body: `Standup notes: the gateway deploy went fine and latency is flat. Item ${i} of 4.` })).toHaveStatus(201);
      }
      const seen: MailSummary[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await bobMail.mailbox('inbox', { limit: 3, ...(cursor ? { cursor } : {}) });
        ctx.expect(page).toHaveStatus(200);
        ctx.expect(page.body.messages.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.messages);
        cursor = page.body.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 10);
      ctx.expect(pages).toBe(3);
      ctx.expect(seen.map((m) => m.subject)).toEqual(['Standup notes 4', 'Standup notes 3', 'Standup notes 2', 'Standup notes 1', 'Lunch on Thursday', 'Surprise party for Dana', 'Quarterly report draft']);
      const counts = await ctx.gateway.get<{ mailboxes: { name: string; total: number; unread: number }[] }>('/mail/mailboxes', { token: bob!.accessToken });
      ctx.expect(counts.body.mailboxes.find((box) => box.name === 'inbox')).toEqual({ name: 'inbox', total: 7, unread: 7 });
      ctx.note(`7 messages in ${pages} pages, newest first; the cursor is opaque and bound to the mailbox`);
      const inboxCursor = (await bobMail.mailbox('inbox', { limit: 3 })).body.nextCursor!;
      ctx.expect(await bobMail.mailbox('trash', { cursor: inboxCursor })).toHaveStatus(400, 'MAIL_CURSOR_INVALID');
      ctx.expect(await bobMail.mailbox('archive')).toHaveStatus(404, 'MAIL_MAILBOX_UNKNOWN');
    });

    await ctx.step('Bob reads the report, marks it read and unread again', async () => {
      const opened = await bobMail.read(report.id);
      ctx.expect(opened).toHaveStatus(200);
      ctx.expect(opened.body.message).toMatchObject({ read: false, body: reportBody, attachments: [{ index: 0, filename: 'report.txt', contentType: 'text/plain', size: 23 }] });
      ctx.expect(await bobMail.act(report.id, 'read')).toHaveStatus(200);
      ctx.expect((await bobMail.read(report.id)).body.message.read).toBe(true);
      const unread = async () => (await ctx.gateway.get<{ mailboxes: { name: string; unread: number }[] }>('/mail/mailboxes', { token: bob!.accessToken })).body.mailboxes.find((box) => box.name === 'inbox')!.unread;
      ctx.expect(await unread()).toBe(6);
      ctx.expect(await bobMail.act(report.id, 'unread')).toHaveStatus(200);
      ctx.expect(await unread()).toBe(7);
    });

    await ctx.step('search Bob’s mail: words, "phrases", prefix*, fields, has:attachment, dates and -negation', async () => {
      const day = dayOf(report.sentAt);
      const queries: [string, string[]][] = [
        ['budget', ['Quarterly report draft']],
        ['"quarterly report"', ['Quarterly report draft']],
        ['"report quarterly"', []],
        ['stand*', ['Standup notes 4', 'Standup notes 3', 'Standup notes 2', 'Standup notes 1']],
        [`from:${carol!.username} "notes 2"`, ['Standup notes 2']],
        [`to:${carol!.username}`, ['Surprise party for Dana', 'Quarterly report draft']],
        ['subject:lunch', ['Lunch on Thursday']],
        ['has:attachment', ['Quarterly report draft']],
        [`after:${day} from:${ada!.username} -lunch -party`, ['Quarterly report draft']],
        [`before:${day}`, []],
      ];
      for (const [q, subjects] of queries) {
        const found = await bobMail.found(q);
        // Ranked queries come best first; the same set is what matters here.
        ctx.expect({ q, found: [...found].sort() }).toEqual({ q, found: [...subjects].sort() });
        ctx.note(`${q}  →  ${found.length === 0 ? 'nothing' : found.join(' · ')}`);
      }
      const first = await bobMail.search('stand*', { limit: 2 });
      ctx.expect(first.body.messages).toHaveLength(2);
      const second = await bobMail.search('stand*', { limit: 2, cursor: first.body.nextCursor! });
      ctx.expect(second.body.messages).toHaveLength(2);
      ctx.expect(second.body.nextCursor).toBe(null);
      ctx.expect(await bobMail.search('budget', { cursor: first.body.nextCursor! })).toHaveStatus(400, 'MAIL_CURSOR_INVALID');
      ctx.note('search pages by bm25 rank with an opaque cursor, bound to its query');
    });

    await ctx.step('a malformed query is 400 MAIL_QUERY_INVALID with the position of the problem, never an SQLite error', async () => {
      const cases: [string, string][] = [
        ['report "unterminated', 'unterminated quote at position 7'],
        ['budget before:2024-02-30', 'before: expects a date as YYYY-MM-DD at position 14'],
        ['has:pictures', 'has: supports only attachment at position 4'],
        ['lunch -', 'nothing to negate after - at position 6'],
      ];
      for (const [q, message] of cases) {
        const answer = await bobMail.search(q);
        ctx.expect(answer).toHaveStatus(400, 'MAIL_QUERY_INVALID');
        ctx.expect((answer.body as unknown as { error: { details: unknown } }).error.details).toEqual([{ path: 'query.q', message }]);
      }
      ctx.note('the query is parsed into an AST first; FTS5 only ever sees quoted tokens the parser made');
    });

    await ctx.step('Bob moves the lunch mail to trash and back, deletes the party mail to trash, then for good', async () => {
      ctx.expect(await bobMail.act(lunch.id, 'move', { mailbox: 'trash' })).toHaveStatus(200);
      ctx.expect(await bobMail.found('lunch')).toEqual([]);
      ctx.expect(await bobMail.found('lunch in:trash')).toEqual(['Lunch on Thursday']);
      ctx.note('search leaves spam and trash out unless asked (in:trash, in:spam, in:anywhere)');
      ctx.expect(await bobMail.act(lunch.id, 'move', { mailbox: 'inbox' })).toHaveStatus(200);
      ctx.expect(await bobMail.act(lunch.id, 'move', { mailbox: 'quarantine' })).toHaveStatus(400, 'HTTP_VALIDATION_FAILED');
      const toTrash = await bobMail.remove<{ mailbox: string; deleted: boolean }>(party.id);
      ctx.expect(toTrash).toHaveStatus(200);
      ctx.expect(toTrash.body).toMatchObject({ mailbox: 'trash', deleted: false });
      ctx.expect((await bobMail.list('trash')).map((m) => m.subject)).toEqual(['Surprise party for Dana']);
      const forGood = await bobMail.remove<{ deleted: boolean }>(party.id);
      ctx.expect(forGood.body).toMatchObject({ deleted: true });
      ctx.expect(await bobMail.read(party.id)).toHaveStatus(404, 'MAIL_MESSAGE_NOT_FOUND');
      ctx.expect(await bobMail.found('party in:anywhere')).toEqual([]);
      ctx.expect(await carolMail.found('party')).toEqual(['Surprise party for Dana']);
      ctx.note('deleting Bob’s copy left Carol’s and Ada’s alone: one stored content, one copy per mailbox');
    });

    await ctx.step('another user’s message id is 404, as if it did not exist; nobody finds another’s mail by search', async () => {
      for (const answer of [
        await carolMail.read(lunch.id),
        await carolMail.act(lunch.id, 'read'),
        await carolMail.act(lunch.id, 'move', { mailbox: 'trash' }),
        await carolMail.remove(lunch.id),
      ]) {
        ctx.expect(answer).toHaveStatus(404, 'MAIL_MESSAGE_NOT_FOUND');
      }
      ctx.expect((await bobMail.read(lunch.id)).body.message).toMatchObject({ mailbox: 'inbox', subject: 'Lunch on Thursday' });
      ctx.expect(await carolMail.found('lunch in:anywhere')).toEqual([]);
      ctx.expect(await carolMail.found(`noodles from:${ada!.username}`)).toEqual([]);
      ctx.expect(await carolMail.found(`to:${bob!.username} party`)).toEqual([]);
      ctx.expect(await adaMail.found(`to:${bob!.username} party`)).toEqual(['Surprise party for Dana']);
      ctx.note('Carol has Ada’s party mail, yet to:bob finds it only in Ada’s sent copy: the bcc is indexed there alone');
    });
  },
});

import { defineScenario, eicarSignature, gtubeSignature } from '@topolab/runtime/dsl';
import { addressOf, attachment, mailOf, type MailClient, type MailDetail } from './support/mail.js';

/** The spam test mail Ada's colleague sends, and a second one much like it. */
const timeshare = {
  first: { subject: 'Timeshare villas in Marbella', body: 'Members of our vacation club enjoy luxury villas on the coast. Reserve a timeshare week for the whole family this summer.' },
  second: { subject: 'Marbella villas: timeshare weeks left', body: 'Luxury timeshare villas on the coast for our vacation club members. Reserve your week this summer.' },
};

/** A choir's newsletter that reads like spam, and the next one. */
const choir = {
  first: { subject: 'Choir rehearsal: guaranteed seats, act now', body: 'Limited time! Claim your prize seats for the spring concert, only members of the choir. Click here to reserve; the offer expires tonight!!!' },
  second: { subject: 'Choir concert: rehearsal moved, seats guaranteed', body: 'Choir members: the spring concert rehearsal moved to Wednesday. Reserve your seats, limited time, the offer expires tonight!' },
};

/** The newest message of a mailbox with this subject, read whole. */
async function findDetail(mail: MailClient, mailbox: string, subject: string): Promise<MailDetail | undefined> {
  const summary = (await mail.list(mailbox)).find((message) => message.subject === subject);
  return summary ? (await mail.read(summary.id)).body.message : undefined;
}

/**
 * The seed's spam and virus detection: mail scores each delivered copy with a naive-Bayes
 * classifier (a shipped corpus plus the recipient's own marks) and header/content rules, and
 * scans every message for the EICAR test file and executable attachments before delivery.
 */
export default defineScenario({
  name: 'spam-and-virus',
  summary: 'GTUBE lands in spam with its score and reasons, EICAR and .exe attachments are quarantined with the sender notified, spam marks retrain the user’s own model, and oversize mail is 413 at the gateway.',
  async run(ctx) {
    const [ada, bob, carol] = await ctx.step('Ada, Bob and Carol sign up', async () => [
      await ctx.users.signUp({ firstName: 'Ada' }),
      await ctx.users.signUp({ firstName: 'Bob' }),
      await ctx.users.signUp({ firstName: 'Carol' }),
    ]);
    const [adaMail, bobMail, carolMail] = [mailOf(ctx, ada!), mailOf(ctx, bob!), mailOf(ctx, carol!)];
    const bobAt = addressOf(bob!);
    const send = async (message: Record<string, unknown>) => {
      const sent = await adaMail.send(message);
      ctx.expect(sent).toHaveStatus(201);
      return sent.body;
    };

    const threshold = 0.9;
    await ctx.step('a clean message lands in Bob’s inbox with a low score', async () => {
      await send({ to: bobAt, subject: 'Notes from the planning meeting', body: 'Hi Bob, the notes from our planning meeting are in the shared doc. Let us review them on Thursday.' });
      const clean = await findDetail(bobMail, 'inbox', 'Notes from the planning meeting');
      ctx.expect(clean?.spam?.spam).toBe(false);
      ctx.expect(clean!.spam!.score).toBeLessThan(threshold);
      ctx.note(`score ${clean!.spam!.score.toFixed(3)} (spam from ${threshold}): ${clean!.spam!.reasons.join('; ')}`);
    });

    await ctx.step('a message with the GTUBE test string goes to Bob’s spam with score 1 and its reasons', async () => {
      await send({ to: bobAt, subject: 'Filter test', body: `Testing our filters: ${gtubeSignature()}` });
      ctx.expect((await bobMail.list('inbox')).map((m) => m.subject)).not.toContain('Filter test');
      const caught = await findDetail(bobMail, 'spam', 'Filter test');
      ctx.expect(caught?.spam).toMatchObject({ score: 1, spam: true });
      ctx.expect(caught!.spam!.reasons).toContain('gtube: GTUBE test string');
      ctx.expect(await bobMail.found('filter test')).toEqual([]);
      ctx.expect(await bobMail.found('filter test in:spam')).toEqual(['Filter test']);
      ctx.note(`reasons: ${caught!.spam!.reasons.join('; ')}`);
    });

    await ctx.step('an EICAR attachment is quarantined: never in an inbox, the sender notified', async () => {
      const sent = await send({ to: bobAt, subject: 'Invoice 2291', body: 'Please find the invoice attached.', attachments: [attachment('invoice.txt', 'text/plain', `${eicarSignature()}\r\n`)] });
      ctx.expect(sent).toMatchObject({ delivered: 1, quarantined: true });
      ctx.expect((await bobMail.list('inbox')).map((m) => m.subject)).not.toContain('Invoice 2291');
      ctx.expect((await bobMail.list('spam')).map((m) => m.subject)).not.toContain('Invoice 2291');
      const held = await findDetail(bobMail, 'quarantine', 'Invoice 2291');
      ctx.expect(held?.virus).toEqual({ infected: true, reasons: ['eicar: EICAR test signature in attachment "invoice.txt"'] });
      ctx.expect((await adaMail.list('inbox'))[0]).toMatchObject({ kind: 'notice', subject: 'Quarantined: Invoice 2291' });
      ctx.expect(await ctx.gateway.get(`/mail/messages/${held!.id}/attachments/0`, { token: bob!.accessToken })).toHaveStatus(409, 'MAIL_QUARANTINED');
      ctx.expect(await bobMail.act(held!.id, 'move', { mailbox: 'inbox' })).toHaveStatus(409, 'MAIL_MOVE_FORBIDDEN');
      ctx.note('the attachment cannot be downloaded and the message cannot be moved out; Ada got a notice saying why');
    });

    await ctx.step('EICAR in a base64 block of the body, and a .exe attachment, are quarantined too', async () => {
      const encoded = Buffer.from(`${eicarSignature()}\r\n`).toString('base64');
      const inBody = await send({ to: bobAt, subject: 'Forwarded file', body: `Here is the file, encoded:\n\n${encoded}\n` });
      ctx.expect(inBody.quarantined).toBe(true);
      const program = await send({ to: bobAt, subject: 'Handy tool', body: 'Run this, it speeds up your laptop.', attachments: [attachment('setup.exe', 'application/octet-stream', 'not really a program')] });
      ctx.expect(program.quarantined).toBe(true);
      const quarantine = await bobMail.list('quarantine');
      ctx.expect(quarantine.map((m) => m.subject)).toEqual(['Handy tool', 'Forwarded file', 'Invoice 2291']);
      ctx.expect((await findDetail(bobMail, 'quarantine', 'Handy tool'))?.virus?.reasons).toEqual(['dangerous-extension: attachment "setup.exe" is a .exe file']);
      ctx.expect((await bobMail.list('inbox')).map((m) => m.subject)).toEqual(['Notes from the planning meeting']);
      const notices = (await adaMail.list('inbox')).filter((m) => m.kind === 'notice').map((m) => m.subject);
      ctx.expect(notices).toEqual(['Quarantined: Handy tool', 'Quarantined: Forwarded file', 'Quarantined: Invoice 2291']);
    });

    await ctx.step('Bob marks a timeshare offer as spam: it moves, and his own model learns', async () => {
      await send({ to: bobAt, ...timeshare.first });
      const before = await findDetail(bobMail, 'inbox', timeshare.first.subject);
      ctx.expect(before?.spam?.spam).toBe(false);
      const marked = await bobMail.act<{ mailbox: string }>(before!.id, 'spam');
      ctx.expect(marked).toHaveStatus(200);
      ctx.expect(marked.body.mailbox).toBe('spam');
      ctx.expect((await bobMail.list('spam')).map((m) => m.subject)).toContain(timeshare.first.subject);

      const sent = await adaMail.send({ to: [bobAt, addressOf(carol!)], ...timeshare.second });
      ctx.expect(sent).toHaveStatus(201);
      const bobs = await findDetail(bobMail, 'spam', timeshare.second.subject);
      ctx.expect(bobs?.spam?.spam).toBe(true);
      ctx.expect(bobs!.spam!.score).toBeGreaterThan(before!.spam!.score);
      ctx.expect(bobs!.spam!.reasons[0]).toContain('with your own marks');
      const carols = await findDetail(carolMail, 'inbox', timeshare.second.subject);
      ctx.expect(carols?.spam?.spam).toBe(false);
      ctx.note(`the first scored ${before!.spam!.score.toFixed(3)}; the next like it scored ${bobs!.spam!.score.toFixed(3)} for Bob and went to spam`);
      ctx.note(`Carol never marked anything: the same message scored ${carols!.spam!.score.toFixed(3)} for her and reached her inbox`);
    });

    await ctx.step('Bob marks the choir’s newsletter as not spam: it moves to his inbox, and the next one stays there', async () => {
      await send({ to: bobAt, ...choir.first });
      const flagged = await findDetail(bobMail, 'spam', choir.first.subject);
      ctx.expect(flagged?.spam?.spam).toBe(true);
      const marked = await bobMail.act<{ mailbox: string }>(flagged!.id, 'not-spam');
      ctx.expect(marked).toHaveStatus(200);
      ctx.expect(marked.body.mailbox).toBe('inbox');
      await send({ to: [bobAt, addressOf(carol!)], ...choir.second });
      const next = await findDetail(bobMail, 'inbox', choir.second.subject);
      ctx.expect(next?.spam?.spam).toBe(false);
      ctx.expect(next!.spam!.score).toBeLessThan(flagged!.spam!.score);
      const carols = await findDetail(carolMail, 'spam', choir.second.subject);
      ctx.expect(carols?.spam?.spam).toBe(true);
      ctx.note(`flagged at ${flagged!.spam!.score.toFixed(3)} (${flagged!.spam!.reasons.slice(1).join('; ')})`);
      ctx.note(`after Bob's mark the next one scored ${next!.spam!.score.toFixed(3)} for him, ${carols!.spam!.score.toFixed(3)} for Carol (in her spam)`);
      ctx.expect(await adaMail.act(flagged!.id, 'not-spam')).toHaveStatus(404, 'MAIL_MESSAGE_NOT_FOUND');
      ctx.note('nobody marks another user’s message: Ada naming Bob’s message id is 404');
    });

    await ctx.step('an attachment over 10 MiB is refused with 413 at the gateway, before mail sees it', async () => {
      const sentBefore = (await adaMail.list('sent')).length;
      const huge = attachment('scan.bin', 'application/octet-stream', Buffer.alloc(8 * 1024 * 1024, 7));
      const tooBig = await adaMail.send({ to: bobAt, subject: 'Scans', body: 'All the scans.', attachments: [huge] });
      ctx.expect(tooBig).toHaveStatus(413, 'GATEWAY_BODY_TOO_LARGE');
      ctx.expect((await adaMail.list('sent')).length).toBe(sentBefore);
      ctx.note('8 MiB of bytes is ~10.7 MiB of base64 JSON: over the 10 MiB limit mail declared for POST /mail/send in the registry');
    });
  },
});

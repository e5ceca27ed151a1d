import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eicarSignature } from '../src/demo/index.js';
import type { GatewayRequest } from '../src/index.js';
import { createEventLog, errorCode, hopsOfResponse, sendRaw, signUp, startRealTopology, type RealTopology, type SignedUpUser } from './real-topology.js';

interface Summary {
  readonly id: number;
  readonly subject: string;
  readonly kind: string;
  readonly from: { address: string };
}

// Mail through the real gateway, registry, auth (user lookup) and mail processes.
describe('mail through the real topology', () => {
  let real: RealTopology;
  let ada: SignedUpUser;
  let bob: SignedUpUser;
  const events = createEventLog();
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'mail', onEvent: events.listener });
    ada = await signUp(real.topology, real.gateway);
    bob = await signUp(real.topology, real.gateway);
  });
  afterAll(() => real?.stop());

  const as = <T = unknown>(user: SignedUpUser, request: Omit<GatewayRequest, 'token'>) => real.gateway.request<T>({ ...request, token: user.accessToken });
  const address = (user: SignedUpUser) => `${user.username}@topolab.test`;
  const send = (from: SignedUpUser, body: Record<string, unknown>) => as<{ id: number; delivered: number; bounced: string[]; quarantined: boolean }>(from, { method: 'POST', path: '/mail/send', body });
  const mailbox = async (user: SignedUpUser, name: string) =>
    (await as<{ messages: Summary[] }>(user, { method: 'GET', path: `/mail/mailboxes/${name}` })).body.messages;

  it('delivers between users resolved through auth, and the trace shows gateway → mail → auth', async () => {
    const sent = await send(ada, { to: address(bob), subject: 'Hello Bob', body: 'First mail through the topology.' });
    expect([sent.status, sent.body.delivered, sent.body.bounced]).toEqual([201, 1, []]);
    const [received] = await mailbox(bob, 'inbox');
    expect(received).toMatchObject({ subject: 'Hello Bob', from: { address: address(ada) } });
    expect((await mailbox(ada, 'sent')).map((m) => m.id)).toContain(sent.body.id);
    await expect.poll(() => hopsOfResponse(real.topology, sent).map((hop) => hop.service), { timeout: 3000 }).toEqual(expect.arrayContaining(['gateway', 'mail', 'auth']));
    const delivered = events.named('mail.delivered').at(-1);
    expect(delivered?.data).toEqual({ messageId: expect.any(Number), mailbox: 'inbox' });
    expect(JSON.stringify(delivered?.data)).not.toContain('Hello');
  });

  it('refuses bad addresses and unknown groups with 400, and bounces unknown users', async () => {
    const before = (await mailbox(ada, 'sent')).length;
    const invalid = await send(ada, { to: ['bob@@topolab.test', 'no-at-sign@'], body: 'x' });
    expect([invalid.status, errorCode(invalid.body)]).toEqual([400, 'MAIL_RECIPIENT_INVALID']);
    const unknownGroup = await send(ada, { to: 'friends-that-do-not-exist', body: 'x' });
    expect([unknownGroup.status, errorCode(unknownGroup.body)]).toEqual([400, 'MAIL_RECIPIENT_UNKNOWN']);
    expect((await mailbox(ada, 'sent')).length).toBe(before);

    const bounced = await send(ada, { to: [address(bob), 'nobody-here@topolab.test'], subject: 'Partly', body: 'x' });
    expect([bounced.status, bounced.body.delivered, bounced.body.bounced]).toEqual([201, 1, ['nobody-here@topolab.test']]);
    expect((await mailbox(ada, 'inbox'))[0]).toMatchObject({ kind: 'bounce', subject: 'Undeliverable: Partly' });
  });

  it('expands a group of contacts when sending', async () => {
    const contact = await as<{ contact: { id: number } }>(ada, { method: 'POST', path: '/mail/contacts', body: { name: 'Bob', address: address(bob) } });
    expect(contact.status).toBe(201);
    const group = await as(ada, { method: 'POST', path: '/mail/groups', body: { name: 'Team', members: [contact.body.contact.id] } });
    expect(group.status).toBe(201);
    const sent = await send(ada, { to: 'team', subject: 'Standup', body: 'At ten.' });
    expect([sent.status, sent.body.delivered]).toEqual([201, 1]);
    expect((await mailbox(bob, 'inbox'))[0]).toMatchObject({ subject: 'Standup' });
  });

  it('lets a 2 MiB attachment through (the route limit reached the gateway) and answers 413 at the gateway above 10 MiB', async () => {
    const attachment = (bytes: number) => ({ filename: 'scan.bin', contentType: 'application/octet-stream', data: Buffer.alloc(bytes, 1).toString('base64') });
    const fits = await send(bob, { to: address(ada), subject: 'Big', body: 'x', attachments: [attachment(2 * 1024 * 1024)] });
    expect([fits.status, errorCode(fits.body)]).toEqual([201, undefined]);
    const sentBefore = (await mailbox(bob, 'sent')).length;
    const body = JSON.stringify({ to: address(ada), subject: 'Huge', body: 'x', attachments: [attachment(8 * 1024 * 1024)] });
    const tooBig = await sendRaw(real.gateway.baseUrl, { method: 'POST', path: '/mail/send', body, headers: { authorization: `Bearer ${bob.accessToken}` } });
    expect([tooBig.status, errorCode(tooBig.body)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    // Other routes keep the 1 MiB limit.
    const contact = await sendRaw(real.gateway.baseUrl, { method: 'POST', path: '/mail/contacts', body: JSON.stringify({ name: 'x'.repeat(1_100_000), address: 'x@topolab.test' }), headers: { authorization: `Bearer ${bob.accessToken}` } });
    expect([contact.status, errorCode(contact.body)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    expect((await mailbox(bob, 'sent')).length).toBe(sentBefore);
  });

  it('answers a malformed search with 400 MAIL_QUERY_INVALID and the position of the problem', async () => {
    const malformed = await as<{ error: { details: unknown } }>(ada, { method: 'GET', path: `/mail/search?q=${encodeURIComponent('report "unterminated')}` });
    expect([malformed.status, errorCode(malformed.body)]).toEqual([400, 'MAIL_QUERY_INVALID']);
    expect(malformed.body.error.details).toEqual([{ path: 'query.q', message: 'unterminated quote at position 7' }]);
    const found = await as<{ messages: Summary[] }>(bob, { method: 'GET', path: '/mail/search?q=standup' });
    expect([found.status, found.body.messages.map((m) => m.subject)]).toEqual([200, ['Standup']]);
    const notMine = await as<{ messages: Summary[] }>(ada, { method: 'GET', path: `/mail/search?q=${encodeURIComponent('first mail in:inbox')}` });
    expect(notMine.body.messages).toEqual([]);
  });

  it('answers 404 MAIL_MESSAGE_NOT_FOUND for another user\'s message id', async () => {
    const [bobs] = await mailbox(bob, 'inbox');
    const stolen = await as(ada, { method: 'GET', path: `/mail/messages/${bobs!.id}` });
    expect([stolen.status, errorCode(stolen.body)]).toEqual([404, 'MAIL_MESSAGE_NOT_FOUND']);
    const moved = await as(ada, { method: 'POST', path: `/mail/messages/${bobs!.id}/move`, body: { mailbox: 'trash' } });
    expect([moved.status, errorCode(moved.body)]).toEqual([404, 'MAIL_MESSAGE_NOT_FOUND']);
    expect((await as(bob, { method: 'GET', path: `/mail/messages/${bobs!.id}` })).status).toBe(200);
  });

  it('quarantines an infected attachment (the real scanner) and notifies the sender', async () => {
    const sent = await send(ada, { to: address(bob), subject: 'Invoice', body: 'See attached.', attachments: [{ filename: 'invoice.txt', contentType: 'text/plain', data: Buffer.from(eicarSignature()).toString('base64') }] });
    expect([sent.status, sent.body.quarantined]).toEqual([201, true]);
    expect((await mailbox(bob, 'inbox')).map((m) => m.subject)).not.toContain('Invoice');
    expect((await mailbox(bob, 'quarantine')).map((m) => m.subject)).toContain('Invoice');
    expect((await mailbox(ada, 'inbox'))[0]).toMatchObject({ kind: 'notice', subject: 'Quarantined: Invoice' });
    expect(events.named('mail.quarantined').at(-1)?.data).toEqual({ messageId: sent.body.id, recipients: 1 });
  });

  it('hides auth\'s internal user lookup from the outside', async () => {
    const lookup = await as(ada, { method: 'POST', path: '/auth/internal/users/lookup', body: { usernames: [bob.username] } });
    expect([lookup.status, errorCode(lookup.body)]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
  });

  it('applies the route limit in the lb too (server-side discovery)', async () => {
    await real.topology.setModes({ discovery: 'server' });
    try {
      const attachment = { filename: 'scan.bin', contentType: 'application/octet-stream', data: Buffer.alloc(2 * 1024 * 1024, 2).toString('base64') };
      const sent = await send(bob, { to: address(ada), subject: 'Via lb', body: 'x', attachments: [attachment] });
      expect([sent.status, errorCode(sent.body)]).toEqual([201, undefined]);
      await expect.poll(() => hopsOfResponse(real.topology, sent).map((hop) => hop.service), { timeout: 3000 }).toEqual(expect.arrayContaining(['gateway', 'lb', 'mail']));
    } finally {
      await real.topology.setModes({ discovery: 'client' });
    }
  });
});

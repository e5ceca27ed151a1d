import { defineRoute, type Route } from '../../kit/http/router.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { requireUser } from '../../kit/http/identity.js';
import { parseMessageId, type MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import { toSpamMessage } from '../filter-seam.js';
import { mailboxNames, type MailboxName } from '../records.js';
import { moveBody, pageQuery } from '../schemas.js';

/** Mailboxes and messages: listing, reading, flags, moves, deletion, spam marks, attachments. */
export function createMessageRoutes(deps: MailDeps): Route[] {
  const { store, filters, telemetry } = deps;

  /** A message of `userId`; another user's id is as unknown as a made-up one (404). */
  const findMessage = (userId: string, id: number) => {
    const message = store.get(userId, id);
    if (!message) throw mailErrors.MAIL_MESSAGE_NOT_FOUND();
    return message;
  };

  /** Moves a message of `userId`, refusing moves into or out of quarantine. */
  const moveMessage = (userId: string, id: number, mailbox: MailboxName) => {
    const message = findMessage(userId, id);
    if (message.mailbox === 'quarantine' || mailbox === 'quarantine') throw mailErrors.MAIL_MOVE_FORBIDDEN();
    if (message.mailbox !== mailbox) store.move(userId, id, mailbox);
    return message;
  };

  /** Marks a message as spam or not: moves it and teaches the user's own model. */
  const markSpam = (label: 'spam' | 'ham') =>
    defineRoute({
      method: 'POST',
      path: `/mail/messages/:id/${label === 'spam' ? 'spam' : 'not-spam'}`,
      async handler(ctx) {
        const userId = requireUser(ctx);
        const id = parseMessageId(ctx.params.id);
        const mailbox = label === 'spam' ? 'spam' : 'inbox';
        const message = moveMessage(userId, id, mailbox);
        await filters.spam.learn(userId, toSpamMessage(message, userId), label);
        telemetry.event('mail.marked', { messageId: id, label });
        return { id, mailbox };
      },
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/mail/mailboxes',
      handler(ctx) {
        const counts = store.counts(requireUser(ctx));
        return { mailboxes: mailboxNames.map((name) => ({ name, ...counts[name] })) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/mail/mailboxes/:name',
      query: pageQuery,
      handler(ctx) {
        const userId = requireUser(ctx);
        const name = ctx.params.name as MailboxName;
        if (!mailboxNames.includes(name)) throw mailErrors.MAIL_MAILBOX_UNKNOWN();
        const scope = `mailbox:${name}`;
        const before = ctx.query.cursor === undefined ? undefined : decodeCursor(ctx.query.cursor, scope).id;
        const rows = store.listMailbox(userId, name, { ...(before === undefined ? {} : { before }), limit: ctx.query.limit + 1 });
        const messages = rows.slice(0, ctx.query.limit);
        const last = messages.at(-1);
        return { mailbox: name, messages, nextCursor: rows.length > ctx.query.limit && last ? encodeCursor({ id: last.id }, scope) : null };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/mail/messages/:id',
      handler(ctx) {
        return { message: findMessage(requireUser(ctx), parseMessageId(ctx.params.id)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/mail/messages/:id/attachments/:index',
      handler(ctx) {
        const userId = requireUser(ctx);
        const id = parseMessageId(ctx.params.id);
        if (findMessage(userId, id).mailbox === 'quarantine') throw mailErrors.MAIL_QUARANTINED();
        const index = /^\d{1,3}$/.test(ctx.params.index ?? '') ? Number(ctx.params.index) : -1;
        const attachment = store.attachment(userId, id, index);
        if (!attachment) throw mailErrors.MAIL_ATTACHMENT_NOT_FOUND();
        // Served as opaque bytes whatever the sender claimed, so a browser never renders them.
        ctx.res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': attachment.data.length,
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
          'x-content-type-options': 'nosniff',
          'x-attachment-content-type': attachment.contentType,
        });
        ctx.res.end(attachment.data);
        return undefined;
      },
    }),
    ...(['read', 'unread'] as const).map((flag) =>
      defineRoute({
        method: 'POST',
        path: `/mail/messages/:id/${flag}`,
        handler(ctx) {
          const id = parseMessageId(ctx.params.id);
          if (!store.setRead(requireUser(ctx), id, flag === 'read')) throw mailErrors.MAIL_MESSAGE_NOT_FOUND();
          return { id, read: flag === 'read' };
        },
      }),
    ),
    defineRoute({
      method: 'POST',
      path: '/mail/messages/:id/move',
      body: moveBody,
      handler(ctx) {
        const id = parseMessageId(ctx.params.id);
        moveMessage(requireUser(ctx), id, ctx.body.mailbox);
        return { id, mailbox: ctx.body.mailbox };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/mail/messages/:id',
      handler(ctx) {
        const userId = requireUser(ctx);
        const id = parseMessageId(ctx.params.id);
        const message = findMessage(userId, id);
        // From trash (or quarantine) a delete is for good; elsewhere it moves to trash.
        if (message.mailbox === 'trash' || message.mailbox === 'quarantine') {
          store.remove(userId, id);
          return { id, deleted: true };
        }
        store.move(userId, id, 'trash');
        return { id, mailbox: 'trash', deleted: false };
      },
    }),
    markSpam('spam'),
    markSpam('ham'),
  ];
}

import { reply } from '../../kit/http/reply.js';
import { defineRoute, type Route } from '../../kit/http/router.js';
import { requireUser } from '../../kit/http/identity.js';
import { type MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import { resolveRecipients } from '../recipients.js';
import { sendBody, sendBodyLimit } from '../schemas.js';
import { UserLookupError } from '../users.js';

/** `POST /mail/send`: 201 `{ id, delivered, bounced, quarantined, bounceId? }`. */
export function createSendRoutes(deps: MailDeps): Route[] {
  const { store, users, mailer } = deps;
  const send = defineRoute({
    method: 'POST',
    path: '/mail/send',
    body: sendBody,
    bodyLimit: sendBodyLimit,
    async handler(ctx) {
      const userId = requireUser(ctx);
      const { body, trace, attributes } = ctx;
      const recipients = resolveRecipients(body, (names) => store.resolveNames(userId, names));
      const attachments = body.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, data: Buffer.from(a.data, 'base64') }));
      try {
        const sender = await users.byId(userId, trace);
        if (!sender) throw mailErrors.MAIL_SENDER_UNKNOWN();
        const result = await mailer.send(sender, { recipients, subject: body.subject, body: body.body, attachments }, trace);
        attributes.recipients = result.delivered;
        attributes.bounced = result.bounced.length;
        return reply(201, result);
      } catch (error) {
        if (error instanceof UserLookupError) throw mailErrors.MAIL_AUTH_UNAVAILABLE({ cause: error });
        throw error;
      }
    },
  });
  return [send];
}

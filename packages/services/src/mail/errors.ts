import { defineErrors } from '../kit/errors.js';

/** Every error code mail answers with besides the kit's `HTTP_*` codes. */
export const mailErrors = defineErrors({
  MAIL_MESSAGE_NOT_FOUND: { status: 404, message: 'No such message in your mail.', hint: 'List a mailbox or search to find message ids.' },
  MAIL_ATTACHMENT_NOT_FOUND: { status: 404, message: 'The message has no attachment with this index.', hint: 'See attachments in GET /mail/messages/:id.' },
  MAIL_MAILBOX_UNKNOWN: { status: 404, message: 'No such mailbox.', hint: 'Mailboxes are inbox, sent, spam, trash and quarantine.' },
  MAIL_MOVE_FORBIDDEN: {
    status: 409,
    message: 'Quarantined messages cannot be moved, and nothing can be moved into quarantine.',
    hint: 'Delete a quarantined message with DELETE /mail/messages/:id.',
  },
  MAIL_QUARANTINED: { status: 409, message: 'The attachments of a quarantined message cannot be downloaded.', hint: 'Ask the sender for a clean copy.' },
  MAIL_CURSOR_INVALID: { status: 400, message: 'The cursor is not one this listing gave out.', hint: 'Start again without a cursor.' },
  MAIL_QUERY_INVALID: { status: 400, message: 'The search query is malformed.', hint: 'See error.details for the position of the problem.' },
  MAIL_RECIPIENT_INVALID: { status: 400, message: 'A recipient is not a valid address.', hint: 'Use name@domain, or the name of one of your contacts or groups.' },
  MAIL_RECIPIENT_UNKNOWN: {
    status: 400,
    message: 'A recipient is neither a contact nor a group of yours.',
    hint: 'A recipient without @ must name one of your contacts or groups; see error.details.',
  },
  MAIL_RECIPIENTS_EMPTY: { status: 400, message: 'The message has no recipient.', hint: 'Name at least one address, contact or non-empty group.' },
  MAIL_TOO_MANY_RECIPIENTS: { status: 400, message: 'The message has too many recipients.', hint: 'Send to at most 500 addresses after groups are expanded.' },
  MAIL_CONTACT_NOT_FOUND: { status: 404, message: 'No such contact.', hint: 'List your contacts with GET /mail/contacts.' },
  MAIL_GROUP_NOT_FOUND: { status: 404, message: 'No such group.', hint: 'List your groups with GET /mail/groups.' },
  MAIL_NAME_TAKEN: { status: 409, message: 'You already have a contact or group with this name.', hint: 'Contacts and groups share one namespace; choose another name.' },
  MAIL_MEMBER_UNKNOWN: { status: 400, message: 'A group member is not one of your contacts.', hint: 'Name members by contact id (number) or contact name; see error.details.' },
  MAIL_SENDER_UNKNOWN: { status: 403, message: 'Your account has no verified mail address.', hint: 'Verify your phone number first.' },
  MAIL_AUTH_UNAVAILABLE: { status: 503, message: 'Users could not be looked up; nothing was sent.', hint: 'Try again in a moment.' },
  MAIL_DB_UNAVAILABLE: { status: 503, message: 'The mail database cannot be read.', hint: 'See the mail instance log.' },
});

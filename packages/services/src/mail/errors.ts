import { defineErrors } from '../kit/errors.js';

/** Every error code mail answers with besides the kit's `HTTP_*` codes. */
export const mailErrors = defineErrors({
  MAIL_MESSAGE_NOT_FOUND: [404, 'No such message in your mail.', 'List a mailbox or search to find message ids.'],
  MAIL_ATTACHMENT_NOT_FOUND: [404, 'The message has no attachment with this index.', 'See attachments in GET /mail/messages/:id.'],
  MAIL_MAILBOX_UNKNOWN: [404, 'No such mailbox.', 'Mailboxes are inbox, sent, spam, trash and quarantine.'],
  MAIL_MOVE_FORBIDDEN: [409, 'Quarantined messages cannot be moved, and nothing can be moved into quarantine.', 'Delete a quarantined message with DELETE /mail/messages/:id.'],
  MAIL_QUARANTINED: [409, 'The attachments of a quarantined message cannot be downloaded.', 'Ask the sender for a clean copy.'],
  MAIL_CURSOR_INVALID: [400, 'The cursor is not one this listing gave out.', 'Start again without a cursor.'],
  MAIL_QUERY_INVALID: [400, 'The search query is malformed.', 'See error.details for the position of the problem.'],
  MAIL_RECIPIENT_INVALID: [400, 'A recipient is not a valid address.', 'Use name@domain, or the name of one of your contacts or groups.'],
  MAIL_RECIPIENT_UNKNOWN: [400, 'A recipient is neither a contact nor a group of yours.', 'A recipient without @ must name one of your contacts or groups; see error.details.'],
  MAIL_RECIPIENTS_EMPTY: [400, 'The message has no recipient.', 'Name at least one address, contact or non-empty group.'],
  MAIL_TOO_MANY_RECIPIENTS: [400, 'The message has too many recipients.', 'Send to at most 500 addresses after groups are expanded.'],
  MAIL_CONTACT_NOT_FOUND: [404, 'No such contact.', 'List your contacts with GET /mail/contacts.'],
  MAIL_GROUP_NOT_FOUND: [404, 'No such group.', 'List your groups with GET /mail/groups.'],
  MAIL_NAME_TAKEN: [409, 'You already have a contact or group with this name.', 'Contacts and groups share one namespace; choose another name.'],
  MAIL_MEMBER_UNKNOWN: [400, 'A group member is not one of your contacts.', 'Name members by contact id (number) or contact name; see error.details.'],
  MAIL_SENDER_UNKNOWN: [403, 'Your account has no verified mail address.', 'Verify your phone number first.'],
  MAIL_AUTH_UNAVAILABLE: [503, 'Users could not be looked up; nothing was sent.', 'Try again in a moment.'],
  MAIL_DB_UNAVAILABLE: [503, 'The mail database cannot be read.', 'See the mail instance log.'],
});

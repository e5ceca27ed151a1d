import type { SpamFilter, SpamMessage, VirusScanner } from './filters/index.js';
import type { MessageDetail } from './records.js';

/** What delivery needs of the spam filter (`filters/`'s createSpamFilter, or a test fake). */
export type MailSpamFilter = Pick<SpamFilter, 'score' | 'learn'>;

/** What delivery needs of the virus scanner (`filters/`'s createVirusScanner, clamd later, or a fake). */
export type MailVirusScanner = VirusScanner;

/** The filters delivery runs every message through. */
export interface MailFilters {
  readonly spam: MailSpamFilter;
  readonly virus: MailVirusScanner;
}

/** A stored message as the spam filter reads it, to learn from a user's mark. */
export function toSpamMessage(message: MessageDetail, userId: string): SpamMessage {
  return {
    from: message.from.name ? `"${message.from.name.replaceAll('"', "'")}" <${message.from.address}>` : message.from.address,
    to: [...message.to, ...message.cc],
    subject: message.subject,
    body: message.body,
    attachments: message.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
    userId,
  };
}

import type { Telemetry } from '../kit/telemetry.js';
import type { TraceContext } from '../kit/trace.js';
import { addressOf, formatMailbox, isLocalAddress, parseAddress, postmaster } from './addresses.js';
import type { MailFilters } from './filter-seam.js';
import type { Delivery, NewCopy } from './message-store.js';
import type { AttachmentData, VirusFacts } from './records.js';
import type { ResolvedRecipients } from './recipients.js';
import type { MailStore } from './store.js';
import type { MailUser, UserDirectory } from './users.js';

/** A message ready to deliver: recipients resolved to addresses. */
export interface Draft {
  readonly recipients: ResolvedRecipients;
  readonly subject: string;
  readonly body: string;
  readonly attachments: readonly AttachmentData[];
}

/** What the sender learns: their sent copy, who got it, who bounced, whether it was quarantined. */
export interface SendResult {
  /** Id of the sender's copy in `sent`. */
  readonly id: number;
  /** How many mailboxes received a copy (quarantine included). */
  readonly delivered: number;
  /** Addresses that bounced (a delivery failure is in the sender's inbox). */
  readonly bounced: readonly string[];
  /** The virus scanner stopped it: every copy is in quarantine and the sender has a notice. */
  readonly quarantined: boolean;
  /** Id of the delivery-failure message, when something bounced. */
  readonly bounceId?: number;
}

/** Options of createMailer. */
export interface MailerOptions {
  readonly store: MailStore;
  readonly users: UserDirectory;
  readonly filters: MailFilters;
  readonly telemetry: Telemetry;
  readonly clock: () => number;
}

/** Delivers messages: looks recipients up, scans and scores, then writes every copy in one transaction. */
export interface Mailer {
  send(sender: MailUser, draft: Draft, trace?: TraceContext): Promise<SendResult>;
}

/** A recipient that could not be delivered to, and why. */
interface Bounce {
  readonly address: string;
  readonly reason: string;
}

/** Creates the mailer. */
export function createMailer(options: MailerOptions): Mailer {
  const { store, users, filters, telemetry, clock } = options;

  return {
    async send(sender, draft, trace) {
      const senderAddress = addressOf(sender.username);
      const { to, cc, bcc } = draft.recipients;
      const everyone = [...to, ...cc, ...bcc];
      const bounces: Bounce[] = [];
      const localNames = new Map<string, string>();
      for (const address of everyone) {
        const parsed = parseAddress(address)!;
        if (isLocalAddress(parsed)) localNames.set(address, parsed.local);
        else bounces.push({ address, reason: `the domain ${parsed.domain} is not served here` });
      }
      const found = localNames.size > 0 ? await users.byUsernames([...localNames.values()], trace) : new Map<string, MailUser>();
      const recipients: MailUser[] = [];
      for (const [address, username] of localNames) {
        const user = found.get(username);
        if (user) recipients.push(user);
        else bounces.push({ address, reason: 'no such user' });
      }

      const attachments = draft.attachments;
      const virus: VirusFacts = recipients.length > 0 ? await filters.virus.scan({ body: draft.body, attachments }) : { infected: false, reasons: [] };
      const from = formatMailbox(sender.firstName, senderAddress);
      const spamAttachments = attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.data.length }));
      const copies: NewCopy[] = [{ userId: sender.userId, mailbox: 'sent', kind: 'mail', bcc, read: true }];
      for (const recipient of recipients) {
        if (virus.infected) {
          copies.push({ userId: recipient.userId, mailbox: 'quarantine', kind: 'mail', read: false, virus });
          continue;
        }
        const spam = await filters.spam.score({ from, to: [...to, ...cc], subject: draft.subject, body: draft.body, attachments: spamAttachments, userId: recipient.userId });
        copies.push({ userId: recipient.userId, mailbox: spam.spam ? 'spam' : 'inbox', kind: 'mail', read: false, spam, virus });
      }

      const now = clock();
      const content = { sender: { address: senderAddress, name: sender.firstName }, senderId: sender.userId, to, cc, subject: draft.subject, body: draft.body, sentAt: now, attachments };
      const deliveries: Delivery[] = [{ content, copies }];
      if (bounces.length > 0) deliveries.push(systemMessage(sender, `Undeliverable: ${draft.subject}`, bounceText(draft.subject, bounces), 'bounce', now));
      if (virus.infected && recipients.length > 0) {
        deliveries.push(systemMessage(sender, `Quarantined: ${draft.subject}`, quarantineText(draft.subject, recipients.length, virus.reasons), 'notice', now));
      }
      const [ids, bounceIds] = store.deliver(deliveries, now) as [number[], number[] | undefined];
      const sentId = ids[0]!;

      copies.slice(1).forEach((copy, index) => {
        if (copy.mailbox !== 'quarantine') telemetry.event('mail.delivered', { messageId: ids[index + 1]!, mailbox: copy.mailbox });
      });
      if (bounces.length > 0) telemetry.event('mail.bounced', { messageId: sentId, bounceId: bounceIds![0]!, recipients: bounces.length });
      if (virus.infected && recipients.length > 0) telemetry.event('mail.quarantined', { messageId: sentId, recipients: recipients.length });
      return {
        id: sentId,
        delivered: recipients.length,
        bounced: bounces.map((bounce) => bounce.address),
        quarantined: virus.infected && recipients.length > 0,
        ...(bounceIds ? { bounceId: bounceIds[0]! } : {}),
      };
    },
  };
}

function systemMessage(sender: MailUser, subject: string, body: string, kind: 'bounce' | 'notice', now: number): Delivery {
  return {
    content: { sender: postmaster, to: [addressOf(sender.username)], cc: [], subject, body, sentAt: now, attachments: [] },
    copies: [{ userId: sender.userId, mailbox: 'inbox', kind, read: false }],
  };
}

function bounceText(subject: string, bounces: readonly Bounce[]): string {
  const lines = bounces.map((bounce) => `  ${bounce.address}: ${bounce.reason}`);
  return [`Your message "${subject}" could not be delivered to:`, '', ...lines, '', 'Nothing was delivered to these addresses. Check them and send again.'].join('\n');
}

function quarantineText(subject: string, count: number, reasons: readonly string[]): string {
  return [
    `Your message "${subject}" was quarantined: it reached none of its ${count} recipient mailbox(es).`,
    '',
    'The virus scanner found:',
    ...reasons.map((reason) => `  ${reason}`),
    '',
    'Remove the offending content and send again.',
  ].join('\n');
}

/** Mailboxes of every user. `quarantine` holds infected mail: never listed as an inbox, never moved out. */
export const mailboxNames = ['inbox', 'sent', 'spam', 'trash', 'quarantine'] as const;

/** One of a user's mailboxes. */
export type MailboxName = (typeof mailboxNames)[number];

/** Mailboxes a user may move a message into. */
export const movableMailboxes = ['inbox', 'sent', 'spam', 'trash'] as const;

/** What a copy is: a message a user sent, or one the mail system wrote. */
export type MessageKind =
  /** Mail sent by a user. */
  | 'mail'
  /** A delivery failure sent back to the sender. */
  | 'bounce'
  /** A notice to the sender that their message was quarantined. */
  | 'notice';

/** A sender or recipient as shown. */
export interface Party {
  readonly address: string;
  readonly name?: string;
  /** The sending user's id: only on a message's `from`, absent for the system's own messages. */
  readonly userId?: string;
}

/** A message as a mailbox listing or search shows it. */
export interface MessageSummary {
  readonly id: number;
  readonly mailbox: MailboxName;
  readonly kind: MessageKind;
  readonly from: Party;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  /** The start of the body, whitespace collapsed. */
  readonly snippet: string;
  /** Epoch ms. */
  readonly sentAt: number;
  readonly read: boolean;
  readonly attachmentCount: number;
}

/** An attachment's facts (its bytes are served on their own). */
export interface AttachmentInfo {
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/** The spam filter's verdict, stored with the copy. */
export interface SpamFacts {
  readonly score: number;
  readonly spam: boolean;
  readonly reasons: readonly string[];
}

/** The virus scanner's verdict, stored with the copy. */
export interface VirusFacts {
  readonly infected: boolean;
  readonly reasons: readonly string[];
}

/** A whole message as its owner reads it. */
export interface MessageDetail extends MessageSummary {
  readonly body: string;
  /** Only on the sender's own copy. */
  readonly bcc?: readonly string[];
  readonly deliveredAt: number;
  readonly attachments: readonly AttachmentInfo[];
  /** Absent on copies the filter did not score (the sender's, system notices). */
  readonly spam?: SpamFacts;
  readonly virus?: VirusFacts;
}

/** An attachment with its bytes. */
export interface AttachmentData {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** One page of a listing, newest (or best) first; `nextCursor` is null on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** How many messages a mailbox holds. */
export interface MailboxCounts {
  readonly total: number;
  readonly unread: number;
}

/** An address-book entry of one user. */
export interface Contact {
  readonly id: number;
  readonly name: string;
  readonly address: string;
  readonly phone: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A named list of a user's contacts. */
export interface Group {
  readonly id: number;
  readonly name: string;
  readonly members: readonly Pick<Contact, 'id' | 'name' | 'address'>[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

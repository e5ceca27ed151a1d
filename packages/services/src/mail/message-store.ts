import type { SqliteDatabase } from '../kit/sqlite.js';
import type { Owners } from './owners.js';
import {
  mailboxNames,
  type AttachmentData,
  type AttachmentInfo,
  type MailboxCounts,
  type MailboxName,
  type MessageDetail,
  type MessageKind,
  type MessageSummary,
  type Party,
  type SpamFacts,
  type VirusFacts,
} from './records.js';
import { idRange } from './schema.js';

/** What was sent, stored once however many copies are delivered. */
export interface NewContent {
  readonly sender: Required<Pick<Party, 'address' | 'name'>>;
  /** The sending user; absent for the system's own messages (bounces, notices). */
  readonly senderId?: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly body: string;
  /** Epoch ms. */
  readonly sentAt: number;
  readonly attachments: readonly AttachmentData[];
}

/** One mailbox copy of a content. */
export interface NewCopy {
  readonly userId: string;
  readonly mailbox: MailboxName;
  readonly kind: MessageKind;
  /** Only for the sender's copy. */
  readonly bcc?: readonly string[];
  readonly read: boolean;
  readonly spam?: SpamFacts;
  readonly virus?: VirusFacts;
}

/** A content and its copies, written together. */
export interface Delivery {
  readonly content: NewContent;
  readonly copies: readonly NewCopy[];
}

/** Messages of every user: delivery, mailbox pages, reading, flags, moves, deletion. */
export interface MessageStore {
  /** Writes every delivery in one IMMEDIATE transaction; answers the copy ids, delivery by delivery. */
  deliver(deliveries: readonly Delivery[], now: number): number[][];
  /** Up to `limit` summaries of a mailbox, newest first, below the id `before` when given. */
  listMailbox(userId: string, mailbox: MailboxName, options: { readonly before?: number; readonly limit: number }): MessageSummary[];
  counts(userId: string): Record<MailboxName, MailboxCounts>;
  /** Undefined when the message is not the user's (whether or not it exists). */
  get(userId: string, id: number): MessageDetail | undefined;
  /** Summaries of the user's messages with these ids, in the order given (missing ones left out). */
  summaries(userId: string, ids: readonly number[]): MessageSummary[];
  /** The bytes of one attachment; undefined when the message or the attachment is not there. */
  attachment(userId: string, id: number, index: number): AttachmentData | undefined;
  /** False when the message is not the user's. */
  setRead(userId: string, id: number, read: boolean): boolean;
  /** Moves a copy; false when it is not the user's. */
  move(userId: string, id: number, mailbox: MailboxName): boolean;
  /** Deletes a copy for good; false when it is not the user's. */
  remove(userId: string, id: number): boolean;
  /** The owner number and id range of a user, for search; undefined when they never had mail. */
  range(userId: string): { readonly owner: number; readonly lo: number; readonly hi: number } | undefined;
}

interface SummaryRow {
  id: number;
  mailbox: MailboxName;
  kind: MessageKind;
  read: number;
  sent_at: number;
  attachment_count: number;
  sender: string;
  sender_name: string;
  sender_id: string | null;
  to_list: string;
  cc_list: string;
  subject: string;
  snippet: string;
}

interface DetailRow extends SummaryRow {
  content_id: number;
  body: string;
  bcc_list: string | null;
  delivered_at: number;
  spam_score: number | null;
  spam_flagged: number | null;
  spam_reasons: string | null;
  infected: number;
  virus_reasons: string | null;
}

const summaryColumns = `m.id, m.mailbox, m.kind, m.read, m.sent_at, m.attachment_count, c.sender, c.sender_name, c.sender_id, c.to_list, c.cc_list, c.subject,
  substr(c.body, 1, 400) AS snippet`;

/** Prepares the message statements on `db` (which the caller owns). */
export function createMessageStore(db: SqliteDatabase, owners: Owners): MessageStore {
  const s = {
    insertContent: db.prepare(
      `INSERT INTO contents (sender, sender_name, sender_id, to_list, cc_list, subject, body, sent_at, attachment_count, size)
       VALUES (@sender, @senderName, @senderId, @to, @cc, @subject, @body, @sentAt, @attachmentCount, @size)`,
    ),
    insertAttachment: db.prepare('INSERT INTO attachments (content_id, position, filename, content_type, size, data) VALUES (?, ?, ?, ?, ?, ?)'),
    insertCopy: db.prepare(
      `INSERT INTO messages (id, owner, mailbox, kind, content_id, bcc_list, read, sent_at, delivered_at, attachment_count, spam_score, spam_flagged, spam_reasons, infected, virus_reasons)
       VALUES (@id, @owner, @mailbox, @kind, @contentId, @bcc, @read, @sentAt, @deliveredAt, @attachmentCount, @spamScore, @spamFlagged, @spamReasons, @infected, @virusReasons)`,
    ),
    index: db.prepare('INSERT INTO mail_fts (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)'),
    list: db.prepare<[number, string, number, number], SummaryRow>(
      `SELECT ${summaryColumns} FROM messages m JOIN contents c ON c.id = m.content_id
       WHERE m.owner = ? AND m.mailbox = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
    ),
    counts: db.prepare<[number], { mailbox: MailboxName; total: number; unread: number }>('SELECT mailbox, total, unread FROM mailbox_counts WHERE owner = ?'),
    detail: db.prepare<[number, number], DetailRow>(
      `SELECT ${summaryColumns}, m.content_id, c.body, m.bcc_list, m.delivered_at, m.spam_score, m.spam_flagged, m.spam_reasons, m.infected, m.virus_reasons
       FROM messages m JOIN contents c ON c.id = m.content_id WHERE m.id = ? AND m.owner = ?`,
    ),
    summary: db.prepare<[number, number], SummaryRow>(`SELECT ${summaryColumns} FROM messages m JOIN contents c ON c.id = m.content_id WHERE m.id = ? AND m.owner = ?`),
    attachmentInfo: db.prepare<[number], AttachmentInfo>(
      'SELECT position AS "index", filename, content_type AS contentType, size FROM attachments WHERE content_id = ? ORDER BY position',
    ),
    attachment: db.prepare<[number, number, number], { filename: string; contentType: string; data: Buffer }>(
      `SELECT a.filename, a.content_type AS contentType, a.data FROM messages m JOIN attachments a ON a.content_id = m.content_id
       WHERE m.id = ? AND m.owner = ? AND a.position = ?`,
    ),
    setRead: db.prepare<[number, number, number]>('UPDATE messages SET read = ? WHERE id = ? AND owner = ?'),
    move: db.prepare<[string, number, number]>('UPDATE messages SET mailbox = ? WHERE id = ? AND owner = ?'),
    remove: db.prepare<[number, number]>('DELETE FROM messages WHERE id = ? AND owner = ?'),
  };

  const writeAll = db.transaction((deliveries: readonly Delivery[], now: number) => deliveries.map((delivery) => writeDelivery(delivery, now)));

  function writeDelivery({ content, copies }: Delivery, now: number): number[] {
    const size = Buffer.byteLength(content.body) + content.attachments.reduce((sum, a) => sum + a.data.length, 0);
    const contentId = Number(
      s.insertContent.run({
        sender: content.sender.address,
        senderName: content.sender.name,
        senderId: content.senderId ?? null,
        to: JSON.stringify(content.to),
        cc: JSON.stringify(content.cc),
        subject: content.subject,
        body: content.body,
        sentAt: content.sentAt,
        attachmentCount: content.attachments.length,
        size,
      }).lastInsertRowid,
    );
    content.attachments.forEach((a, position) => s.insertAttachment.run(contentId, position, a.filename, a.contentType, a.data.length, a.data));
    const senderText = `${content.sender.address} ${content.sender.name}`;
    const visible = [...content.to, ...content.cc].join(' ');
    return copies.map((copy) => {
      const owner = owners.ensure(copy.userId);
      const id = owners.nextId(owner);
      s.insertCopy.run({
        id,
        owner,
        mailbox: copy.mailbox,
        kind: copy.kind,
        contentId,
        bcc: copy.bcc ? JSON.stringify(copy.bcc) : null,
        read: copy.read ? 1 : 0,
        sentAt: content.sentAt,
        deliveredAt: now,
        attachmentCount: content.attachments.length,
        spamScore: copy.spam?.score ?? null,
        spamFlagged: copy.spam ? (copy.spam.spam ? 1 : 0) : null,
        spamReasons: copy.spam ? JSON.stringify(copy.spam.reasons) : null,
        infected: copy.virus?.infected ? 1 : 0,
        virusReasons: copy.virus ? JSON.stringify(copy.virus.reasons) : null,
      });
      // Only the sender's copy indexes its bcc list, so `to:` never finds a bcc elsewhere.
      const recipients = copy.bcc?.length ? `${visible} ${copy.bcc.join(' ')}` : visible;
      s.index.run(id, senderText, recipients, content.subject, content.body);
      return id;
    });
  }

  const ownerOf = (userId: string) => owners.find(userId);

  return {
    deliver: (deliveries, now) => writeAll.immediate(deliveries, now),
    listMailbox(userId, mailbox, { before, limit }) {
      const owner = ownerOf(userId);
      if (owner === undefined) return [];
      return s.list.all(owner, mailbox, before ?? Number.MAX_SAFE_INTEGER, limit).map(toSummary);
    },
    counts(userId) {
      const counts = Object.fromEntries(mailboxNames.map((name) => [name, { total: 0, unread: 0 }])) as Record<MailboxName, MailboxCounts>;
      const owner = ownerOf(userId);
      if (owner === undefined) return counts;
      for (const row of s.counts.all(owner)) counts[row.mailbox] = { total: row.total, unread: row.unread };
      return counts;
    },
    get(userId, id) {
      const owner = ownerOf(userId);
      if (owner === undefined) return undefined;
      const row = s.detail.get(id, owner);
      return row ? toDetail(row, s.attachmentInfo.all(row.content_id)) : undefined;
    },
    summaries(userId, ids) {
      const owner = ownerOf(userId);
      if (owner === undefined) return [];
      return ids.flatMap((id) => {
        const row = s.summary.get(id, owner);
        return row ? [toSummary(row)] : [];
      });
    },
    attachment(userId, id, index) {
      const owner = ownerOf(userId);
      return owner === undefined ? undefined : s.attachment.get(id, owner, index);
    },
    setRead(userId, id, read) {
      const owner = ownerOf(userId);
      return owner !== undefined && s.setRead.run(read ? 1 : 0, id, owner).changes === 1;
    },
    move(userId, id, mailbox) {
      const owner = ownerOf(userId);
      return owner !== undefined && s.move.run(mailbox, id, owner).changes === 1;
    },
    remove(userId, id) {
      const owner = ownerOf(userId);
      return owner !== undefined && s.remove.run(id, owner).changes === 1;
    },
    range(userId) {
      const owner = ownerOf(userId);
      return owner === undefined ? undefined : { owner, ...idRange(owner) };
    },
  };
}

function toSummary(row: SummaryRow): MessageSummary {
  return {
    id: row.id,
    mailbox: row.mailbox,
    kind: row.kind,
    from: { address: row.sender, ...(row.sender_name ? { name: row.sender_name } : {}), ...(row.sender_id ? { userId: row.sender_id } : {}) },
    to: JSON.parse(row.to_list) as string[],
    cc: JSON.parse(row.cc_list) as string[],
    subject: row.subject,
    snippet: row.snippet.replace(/\s+/g, ' ').trim().slice(0, 160),
    sentAt: row.sent_at,
    read: row.read === 1,
    attachmentCount: row.attachment_count,
  };
}

function toDetail(row: DetailRow, attachments: AttachmentInfo[]): MessageDetail {
  return {
    ...toSummary(row),
    body: row.body,
    ...(row.bcc_list === null ? {} : { bcc: JSON.parse(row.bcc_list) as string[] }),
    deliveredAt: row.delivered_at,
    attachments,
    ...(row.spam_score === null ? {} : { spam: { score: row.spam_score, spam: row.spam_flagged === 1, reasons: JSON.parse(row.spam_reasons ?? '[]') as string[] } }),
    ...(row.virus_reasons === null ? {} : { virus: { infected: row.infected === 1, reasons: JSON.parse(row.virus_reasons) as string[] } }),
  };
}

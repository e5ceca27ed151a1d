import type { GatewayResponse, ScenarioContext, ScenarioUser } from '@topolab/runtime/dsl';

/** A message as a mailbox listing or a search shows it (mail's `MessageSummary`). */
export interface MailSummary {
  readonly id: number;
  readonly mailbox: string;
  readonly kind: 'mail' | 'bounce' | 'notice';
  /** `userId`: the sending user (absent on the system's own messages). */
  readonly from: { readonly address: string; readonly name?: string; readonly userId?: string };
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly snippet: string;
  readonly sentAt: number;
  readonly read: boolean;
  readonly attachmentCount: number;
}

/** A whole message as its owner reads it (mail's `MessageDetail`). */
export interface MailDetail extends MailSummary {
  readonly body: string;
  /** Only on the sender's own copy. */
  readonly bcc?: readonly string[];
  readonly attachments: readonly { readonly index: number; readonly filename: string; readonly contentType: string; readonly size: number }[];
  readonly spam?: { readonly score: number; readonly spam: boolean; readonly reasons: readonly string[] };
  readonly virus?: { readonly infected: boolean; readonly reasons: readonly string[] };
}

/** The answer of `POST /mail/send`. */
export interface SendAnswer {
  readonly id: number;
  readonly delivered: number;
  readonly bounced: readonly string[];
  readonly quarantined: boolean;
  readonly bounceId?: number;
}

/** One page of a mailbox or a search. */
export interface MailPage {
  readonly messages: readonly MailSummary[];
  readonly nextCursor: string | null;
}

/** An attachment as `POST /mail/send` takes it. */
export interface OutgoingAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly data: string;
}

/** A user's mail address: `username@topolab.test`. */
export function addressOf(user: Pick<ScenarioUser, 'username'>): string {
  return `${user.username}@topolab.test`;
}

/** An attachment of `content` (text or bytes), base64-encoded. */
export function attachment(filename: string, contentType: string, content: string | Buffer): OutgoingAttachment {
  return { filename, contentType, data: Buffer.from(content).toString('base64') };
}

/** Today's UTC day of an epoch-ms time, as `before:` and `after:` take it (`2025-03-14`). */
export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Mail requests of one user through `ctx.gateway`, each recorded in the current step. */
export interface MailClient {
  send(message: Record<string, unknown>): Promise<GatewayResponse<SendAnswer>>;
  /** One page of a mailbox (`?limit=&cursor=` when given). */
  mailbox(name: string, page?: { readonly limit?: number; readonly cursor?: string }): Promise<GatewayResponse<MailPage>>;
  /** Every message of a mailbox (first page of 100), newest first. */
  list(name: string): Promise<readonly MailSummary[]>;
  read(id: number): Promise<GatewayResponse<{ message: MailDetail }>>;
  search(q: string, page?: { readonly limit?: number; readonly cursor?: string }): Promise<GatewayResponse<MailPage>>;
  /** Subjects of the messages `q` finds (first page of 100). */
  found(q: string): Promise<string[]>;
  /** `POST /mail/messages/:id/<action>` (read, unread, spam, not-spam, move). */
  act<T = unknown>(id: number, action: string, body?: unknown): Promise<GatewayResponse<T>>;
  remove<T = unknown>(id: number): Promise<GatewayResponse<T>>;
}

/** The mail client of `user`. */
export function mailOf(ctx: ScenarioContext, user: Pick<ScenarioUser, 'accessToken'>): MailClient {
  const token = user.accessToken;
  const query = (params: Record<string, string | number | undefined>) => {
    const pairs = Object.entries(params).filter(([, value]) => value !== undefined);
    return pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`).join('&')}`;
  };
  const client: MailClient = {
    send: (message) => ctx.gateway.post<SendAnswer>('/mail/send', message, { token }),
    mailbox: (name, page = {}) => ctx.gateway.get<MailPage>(`/mail/mailboxes/${name}${query({ limit: page.limit, cursor: page.cursor })}`, { token }),
    async list(name) {
      const page = await client.mailbox(name, { limit: 100 });
      ctx.expect(page).toHaveStatus(200);
      return page.body.messages;
    },
    read: (id) => ctx.gateway.get<{ message: MailDetail }>(`/mail/messages/${id}`, { token }),
    search: (q, page = {}) => ctx.gateway.get<MailPage>(`/mail/search${query({ q, limit: page.limit, cursor: page.cursor })}`, { token }),
    async found(q) {
      const answer = await client.search(q, { limit: 100 });
      ctx.expect(answer).toHaveStatus(200);
      return answer.body.messages.map((message) => message.subject);
    },
    act: <T>(id: number, action: string, body?: unknown) => ctx.gateway.post<T>(`/mail/messages/${id}/${action}`, body, { token }),
    remove: <T>(id: number) => ctx.gateway.request<T>({ method: 'DELETE', path: `/mail/messages/${id}`, token }),
  };
  return client;
}

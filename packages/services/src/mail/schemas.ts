import { multiLineText, singleLineText } from '../kit/http/free-text.js';
import * as z from '../kit/zod.js';
import { parseAddress } from './addresses.js';
import { movableMailboxes } from './records.js';

/** Body limit of `POST /mail/send` (attachments travel base64 in the JSON). */
export const sendBodyLimit = 10 * 1024 * 1024;

// Free text (kit/http/free-text.ts): everything is one line but the body, whose lines may end
// in CRLF as RFC 5322 has them. A CR or LF in a subject or an address would split a header.
const recipient = singleLineText({ min: 1, max: 254, trim: true });
// The list is made after the union: a transform inside it would hide why a lone recipient failed.
const recipients = z.pipe(
  z.union([recipient, z.array(recipient).check(z.maxLength(100))]),
  z.transform((value: string | string[]) => (typeof value === 'string' ? [value] : value)),
);

/** Body of `POST /mail/send`. `to` may be one recipient or a list; each is an address, a contact name or a group name. */
export const sendBody = z.strictObject({
  to: recipients.check(z.refine((list) => list.length > 0, 'name at least one recipient')),
  cc: z._default(recipients, []),
  bcc: z._default(recipients, []),
  subject: z._default(singleLineText({ max: 998 }), ''),
  body: multiLineText({ max: 2 * 1024 * 1024, crlf: true }),
  attachments: z._default(
    z
      .array(
        z.strictObject({
          filename: singleLineText({ min: 1, max: 255, trim: true }).check(z.refine((name) => !/[/\\]/.test(name), 'must not contain / or \\')),
          contentType: z.string().check(z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as application/pdf'), z.maxLength(127)),
          data: z.base64(),
        }),
      )
      .check(z.maxLength(20)),
    [],
  ),
});

/** `?cursor=&limit=` of every listing. */
export const pageQuery = z.object({
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
});

/** `GET /mail/search?q=&cursor=&limit=`. */
export const searchQuery = z.extend(pageQuery, { q: singleLineText({ max: 500 }) });

/** Body of `POST /mail/messages/:id/move`. Nothing moves into quarantine. */
export const moveBody = z.strictObject({ mailbox: z.enum(movableMailboxes) });

const contactName = singleLineText({ min: 1, max: 64, trim: true }).check(z.refine((name) => !name.includes('@'), 'must not contain @ (it would read as an address)'));
const contactAddress = z.pipe(
  singleLineText({ max: 254, trim: true }).check(z.refine((address) => parseAddress(address) !== undefined, 'must be an address such as ada@topolab.test')),
  z.transform((address: string) => parseAddress(address)!.address),
);
const phone = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +447700900123'));

/** Body of `POST /mail/contacts`. */
export const contactBody = z.strictObject({ name: contactName, address: contactAddress, phone: z.optional(phone) });

/** Body of `PATCH /mail/contacts/:id`; `phone: null` removes the number. */
export const contactPatch = z
  .strictObject({ name: z.optional(contactName), address: z.optional(contactAddress), phone: z.optional(z.nullable(phone)) })
  .check(z.refine((fields) => Object.values(fields).some((value) => value !== undefined), 'name at least one field to change'));

/** A group member: a contact id (number) or a contact name (string). */
const member = z.union([z.number().check(z.int(), z.positive()), singleLineText({ min: 1, max: 64, trim: true })]);

/** Body of `POST /mail/groups`. */
export const groupBody = z.strictObject({ name: contactName, members: z._default(z.array(member).check(z.maxLength(500)), []) });

/** Body of `PATCH /mail/groups/:id`; `members` replaces the whole list. */
export const groupPatch = z
  .strictObject({ name: z.optional(contactName), members: z.optional(z.array(member).check(z.maxLength(500))) })
  .check(z.refine((fields) => fields.name !== undefined || fields.members !== undefined, 'name at least one field to change'));

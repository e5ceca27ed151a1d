import { reply } from '../../kit/http/reply.js';
import { defineRoute, type Route } from '../../kit/http/router.js';
import { requireUser } from '../../kit/http/identity.js';
import { parseId, writtenOr, type MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import type { Contact } from '../records.js';
import { contactBody, contactPatch } from '../schemas.js';

const notFound = () => mailErrors.MAIL_CONTACT_NOT_FOUND();

/** CRUD of `/mail/contacts` (name, address, phone); a user only ever sees their own. */
export function createContactRoutes(deps: MailDeps): Route[] {
  const { store, clock } = deps;
  const written = writtenOr<Contact>(notFound);
  return [
    defineRoute({
      method: 'GET',
      path: '/mail/contacts',
      handler: (ctx) => ({ contacts: store.listContacts(requireUser(ctx)) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/mail/contacts',
      body: contactBody,
      handler: (ctx) => reply(201, { contact: written(store.createContact(requireUser(ctx), ctx.body, clock())) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/mail/contacts/:id',
      handler(ctx) {
        const contact = store.getContact(requireUser(ctx), parseId(ctx.params.id, notFound));
        if (!contact) throw notFound();
        return { contact };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/mail/contacts/:id',
      body: contactPatch,
      handler: (ctx) => ({ contact: written(store.updateContact(requireUser(ctx), parseId(ctx.params.id, notFound), ctx.body, clock())) }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/mail/contacts/:id',
      handler(ctx) {
        if (!store.removeContact(requireUser(ctx), parseId(ctx.params.id, notFound))) throw notFound();
        return undefined;
      },
    }),
  ];
}

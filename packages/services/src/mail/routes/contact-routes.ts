import type { Route } from '../../kit/http/router.js';
import type { MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import { contactBody, contactPatch } from '../schemas.js';
import { ownedRecordRoutes } from './owned-routes.js';

/** CRUD of `/mail/contacts` (name, address, phone); a user only ever sees their own. */
export function createContactRoutes(deps: MailDeps): Route[] {
  const { store, clock } = deps;
  return ownedRecordRoutes({
    name: 'contact',
    notFound: () => mailErrors.MAIL_CONTACT_NOT_FOUND(),
    clock,
    list: store.listContacts,
    get: store.getContact,
    remove: store.removeContact,
    create: { body: contactBody, write: store.createContact },
    update: { body: contactPatch, write: store.updateContact },
  });
}

import type { Route } from '../../kit/http/router.js';
import type { MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import { groupBody, groupPatch } from '../schemas.js';
import type { MailStore } from '../store.js';
import { ownedRecordRoutes } from './owned-routes.js';

/** CRUD of `/mail/groups` (name, members by contact id or name); a user only ever sees their own. */
export function createGroupRoutes(deps: MailDeps): Route[] {
  const { store, clock } = deps;
  return ownedRecordRoutes({
    name: 'group',
    notFound: () => mailErrors.MAIL_GROUP_NOT_FOUND(),
    clock,
    list: store.listGroups,
    get: store.getGroup,
    remove: store.removeGroup,
    create: {
      body: groupBody,
      write: (userId, { name, members }, now) => store.createGroup(userId, { name, memberIds: resolveMembers(store, userId, members) }, now),
    },
    update: {
      body: groupPatch,
      write(userId, id, { name, members }, now) {
        const memberIds = members === undefined ? undefined : resolveMembers(store, userId, members);
        return store.updateGroup(userId, id, { ...(name === undefined ? {} : { name }), ...(memberIds ? { memberIds } : {}) }, now);
      },
    },
  });
}

/** Contact ids of the members (ids or names), each once; any that is not the user's contact is 400 with every one listed. */
function resolveMembers(store: MailStore, userId: string, members: readonly (number | string)[]): number[] {
  const ids = store.findContacts(userId, members);
  const unknown = members.flatMap((member, index) =>
    ids[index] === undefined ? [{ path: `body.members.${index}`, message: typeof member === 'number' ? `no contact with id ${member}` : `no contact named "${member}"` }] : [],
  );
  if (unknown.length > 0) throw mailErrors.MAIL_MEMBER_UNKNOWN({ details: unknown });
  return [...new Set(ids as number[])];
}

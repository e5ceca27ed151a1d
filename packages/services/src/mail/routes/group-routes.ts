import { reply } from '../../kit/http/reply.js';
import { defineRoute, type Route } from '../../kit/http/router.js';
import { requireUser } from '../../kit/http/identity.js';
import { parseId, writtenOr, type MailDeps } from '../deps.js';
import { mailErrors } from '../errors.js';
import type { Group } from '../records.js';
import { groupBody, groupPatch } from '../schemas.js';
import type { MailStore } from '../store.js';

const notFound = () => mailErrors.MAIL_GROUP_NOT_FOUND();

/** CRUD of `/mail/groups` (name, members by contact id or name); a user only ever sees their own. */
export function createGroupRoutes(deps: MailDeps): Route[] {
  const { store, clock } = deps;
  const written = writtenOr<Group>(notFound);
  return [
    defineRoute({
      method: 'GET',
      path: '/mail/groups',
      handler: (ctx) => ({ groups: store.listGroups(requireUser(ctx)) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/mail/groups',
      body: groupBody,
      handler(ctx) {
        const userId = requireUser(ctx);
        const memberIds = resolveMembers(store, userId, ctx.body.members);
        return reply(201, { group: written(store.createGroup(userId, { name: ctx.body.name, memberIds }, clock())) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/mail/groups/:id',
      handler(ctx) {
        const group = store.getGroup(requireUser(ctx), parseId(ctx.params.id, notFound));
        if (!group) throw notFound();
        return { group };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/mail/groups/:id',
      body: groupPatch,
      handler(ctx) {
        const userId = requireUser(ctx);
        const id = parseId(ctx.params.id, notFound);
        const { name, members } = ctx.body;
        const memberIds = members === undefined ? undefined : resolveMembers(store, userId, members);
        return { group: written(store.updateGroup(userId, id, { ...(name === undefined ? {} : { name }), ...(memberIds ? { memberIds } : {}) }, clock())) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/mail/groups/:id',
      handler(ctx) {
        if (!store.removeGroup(requireUser(ctx), parseId(ctx.params.id, notFound))) throw notFound();
        return undefined;
      },
    }),
  ];
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

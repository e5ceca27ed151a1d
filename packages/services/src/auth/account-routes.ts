import { domainEventTypes, type DomainEvent } from '../contract/events-api.js';
import { requireUser } from '../kit/http/identity.js';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { accountView, currentUser } from './current-user.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import { verifyPassword } from './passwords.js';
import type { AccessRecord } from './records.js';
import { deleteAccountBody, updateAccountBody } from './schemas.js';
import { toRevokedTokens } from './token-events.js';

export type { AccountView } from './current-user.js';

/** `DELETE /auth/me` answer. */
export interface AccountDeleted {
  readonly deleted: true;
  /** The `user.deleted` event the rest of the system catches up from. */
  readonly eventId: string;
  readonly seq: number;
}

/**
 * `DELETE /auth/me { password }` and `PATCH /auth/me { firstName }`. Each writes its domain
 * event (`user.deleted`, `user.updated`) in the transaction of the change — the transactional
 * outbox — and kicks the relay, which publishes it to the bus after the commit.
 *
 * A wrong password at `DELETE /auth/me` counts as a failed login of the account, and a locked
 * account answers 429 AUTH_LOGIN_THROTTLED with `Retry-After` before the password is checked
 * (the rule: login-throttle.ts).
 */
export function createAccountRoutes(deps: AuthDeps): Route[] {
  const { store, telemetry, clock, events, relay } = deps;

  function stored(event: DomainEvent, userId: string): void {
    telemetry.event('auth.event.stored', { type: event.type, seq: event.seq, eventId: event.eventId });
    telemetry.info('domain event stored', { type: event.type, seq: event.seq, userId });
    relay.kick();
  }

  const remove = defineRoute({
    method: 'DELETE',
    path: '/auth/me',
    body: deleteAccountBody,
    async handler(ctx) {
      const { body, trace } = ctx;
      const user = currentUser(store, ctx);
      const { id } = user;
      // A wrong password here counts as a failed login of the account (login-throttle.ts): 429 while locked.
      const attempt = store.throttle.attempt(user.username, clock());
      if (!(await verifyPassword(body.password, user.passwordHash))) throw authErrors.AUTH_PASSWORD_WRONG();
      attempt.succeeded();
      const now = clock();
      const { revoked, event } = store.transaction((): { revoked: AccessRecord[]; event: DomainEvent } => {
        // Revoked before the rows go (ON DELETE CASCADE), so the live tokens can be announced.
        const revoked = store.revokeUser(id, now);
        if (!store.deleteUser(id)) throw authErrors.AUTH_USER_UNKNOWN();
        return { revoked, event: store.events.append(domainEventTypes.userDeleted, { userId: id, username: user.username }, now) };
      });
      // Committed first, then announced, as logout does: `global` refuses the tokens from the next request.
      await events.revoked(toRevokedTokens(revoked), trace);
      telemetry.event('auth.account.deleted', { userId: id, revoked: revoked.length });
      stored(event, id);
      // RFC 9110 §15.3.3: 202 Accepted, the account is gone here; the services holding copies catch up eventually.
      return reply(202, { deleted: true, eventId: event.eventId, seq: event.seq } satisfies AccountDeleted);
    },
  });

  const update = defineRoute({
    method: 'PATCH',
    path: '/auth/me',
    body: updateAccountBody,
    handler(ctx) {
      const { body } = ctx;
      const userId = requireUser(ctx);
      const { user, event } = store.transaction(() => {
        const current = store.userById(userId);
        if (!current || !store.updateFirstName(userId, body.firstName)) throw authErrors.AUTH_USER_UNKNOWN();
        const data = { userId, username: current.username, firstName: body.firstName };
        return { user: { ...current, firstName: body.firstName }, event: store.events.append(domainEventTypes.userUpdated, data, clock()) };
      });
      stored(event, userId);
      return { ...accountView(user), eventId: event.eventId, seq: event.seq };
    },
  });

  return [remove, update];
}

import type * as z from '../../kit/zod.js';
import type { ServiceError } from '../../kit/errors.js';
import { reply } from '../../kit/http/reply.js';
import { requireUser } from '../../kit/http/identity.js';
import { defineRoute, type Route } from '../../kit/http/router.js';
import { parseId, writtenOr } from '../deps.js';

/** What a store write of an owned record answers: the record, or why it was not written. */
type Written<T> = T | 'not-found' | 'name-taken';

/** One kind of record a user owns in the mail store (contacts, groups), as its CRUD routes reach it. */
export interface OwnedRecords<T, C extends z.core.$ZodType, U extends z.core.$ZodType> {
  /** `contact`: the routes are at `/mail/contacts`, and answer `{ contacts }` or `{ contact }`. */
  readonly name: string;
  /** The 404 of an id that is not one of the user's (made up, or another user's). */
  readonly notFound: () => ServiceError;
  /** Epoch ms now, the time of a write. */
  readonly clock: () => number;
  list(userId: string): readonly T[];
  get(userId: string, id: number): T | undefined;
  remove(userId: string, id: number): boolean;
  /** POST `/mail/<name>s`: the body schema, and the write of a valid body. */
  readonly create: { readonly body: C; write(userId: string, body: z.output<C>, now: number): Written<T> };
  /** PATCH `/mail/<name>s/:id`: the body schema, and the write of a valid body. */
  readonly update: { readonly body: U; write(userId: string, id: number, body: z.output<U>, now: number): Written<T> };
}

/**
 * The CRUD routes of `/mail/<name>s` — list, create (201), read, update, delete (204) — for
 * the user of the request only: another user's id is as unknown as a made-up one (404), and a
 * name the user already gives a contact or group is 409.
 */
export function ownedRecordRoutes<T, C extends z.core.$ZodType, U extends z.core.$ZodType>(records: OwnedRecords<T, C, U>): Route[] {
  const { name, notFound, clock, create, update } = records;
  const path = `/mail/${name}s`;
  const written = writtenOr<T>(notFound);
  return [
    defineRoute({ method: 'GET', path, handler: (ctx) => ({ [`${name}s`]: records.list(requireUser(ctx)) }) }),
    defineRoute({
      method: 'POST',
      path,
      body: create.body,
      handler: (ctx) => reply(201, { [name]: written(create.write(requireUser(ctx), ctx.body as z.output<C>, clock())) }),
    }),
    defineRoute({
      method: 'GET',
      path: `${path}/:id`,
      handler(ctx) {
        const record = records.get(requireUser(ctx), parseId(ctx.params.id, notFound));
        if (!record) throw notFound();
        return { [name]: record };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: `${path}/:id`,
      body: update.body,
      handler: (ctx) => ({ [name]: written(update.write(requireUser(ctx), parseId(ctx.params.id, notFound), ctx.body as z.output<U>, clock())) }),
    }),
    defineRoute({
      method: 'DELETE',
      path: `${path}/:id`,
      handler(ctx) {
        if (!records.remove(requireUser(ctx), parseId(ctx.params.id, notFound))) throw notFound();
        return undefined;
      },
    }),
  ];
}

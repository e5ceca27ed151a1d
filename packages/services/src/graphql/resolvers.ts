import type { GraphQLResolveInfo } from 'graphql';
import type { TraceContext } from '../kit/trace.js';
import { graphqlErrors } from './errors.js';
import type { RequestLoaders } from './loaders.js';
import { selectsField } from './look-ahead.js';
import { maxInboxLimit } from './schema.js';
import type { UpstreamMessage, UpstreamUser } from './upstream.js';

/** What every resolver of one request gets as its context. */
export interface GraphqlContext {
  /** The signed-in user (`x-user-id`). */
  readonly viewerId: string;
  /** Every upstream read goes through them (batched, each thing once per request). */
  readonly loaders: RequestLoaders;
  /** The request's span. */
  readonly trace: TraceContext;
}

/**
 * The fields whose resolvers read a service, each through a loader (`Type.field` → service):
 * measureOperation counts their calls before anything runs. Each is nullable in the schema, so
 * a service that fails nulls its own fields and the rest of the answer is kept (GraphQL spec
 * §6.4.4 "Handling Field Errors": a non-null field's error nulls its parent).
 */
export const upstreamFields: Readonly<Record<string, 'auth' | 'profile' | 'mail'>> = Object.freeze({
  'Viewer.username': 'auth',
  'Viewer.firstName': 'auth',
  'Viewer.profile': 'profile',
  'Viewer.inbox': 'mail',
  'Message.from': 'auth',
  'User.profile': 'profile',
});

// graphql-js's default resolver reads a field from its source, calling it when it is a function
// (`(args, context)`): these model objects are the resolvers, so schema.ts stays plain SDL.
type Field<T, A = Record<string, never>> = (args: A, context: GraphqlContext, info: GraphQLResolveInfo) => T | Promise<T>;

/** The root value of a request: `me` is the viewer. */
export function createRoot(viewerId: string): { me: Field<ReturnType<typeof createViewer>> } {
  return { me: () => createViewer(viewerId) };
}

/** The viewer: their own account (auth), whole profile and inbox (mail). */
export function createViewer(userId: string) {
  const account = async (context: GraphqlContext): Promise<UpstreamUser> => {
    const user = await context.loaders.users.load(userId);
    if (!user) throw graphqlErrors.GRAPHQL_UPSTREAM_UNAVAILABLE({ message: 'auth does not know the signed-in user.' });
    return user;
  };
  return {
    userId,
    username: (async (_args, context) => (await account(context)).username) as Field<string>,
    firstName: (async (_args, context) => (await account(context)).firstName) as Field<string>,
    profile: ((_args, context) => context.loaders.profiles.load(userId)) as Field<unknown>,
    inbox: (async ({ limit }, context) => {
      if (!Number.isInteger(limit) || limit < 1 || limit > maxInboxLimit) {
        throw graphqlErrors.GRAPHQL_ARGUMENT_INVALID({ message: `inbox(limit:) must be 1 to ${maxInboxLimit}, got ${limit}.` });
      }
      return (await context.loaders.inbox.load({ userId, limit })).map(createMessage);
    }) as Field<ReturnType<typeof createMessage>[], { limit: number }>,
  };
}

/**
 * A message of the inbox; `from` resolves the sender through the users loader, and starts the
 * sender's profile load with it when the query wants it, so auth and profile are asked at once.
 */
export function createMessage(message: UpstreamMessage) {
  const senderId = message.from.userId;
  return {
    id: String(message.id),
    subject: message.subject,
    snippet: message.snippet,
    sentAt: message.sentAt,
    read: message.read,
    fromAddress: message.from.address,
    from: (async (_args, context, info) => {
      if (!senderId) return null;
      // The loader caches this promise: User.profile gets it; a sender auth does not know leaves it unread.
      if (selectsField(info, 'profile')) context.loaders.profiles.load(senderId).catch(() => undefined);
      const user = await context.loaders.users.load(senderId);
      return user ? createUser(user) : null;
    }) as Field<ReturnType<typeof createUser> | null>,
  };
}

/** Another user: account facts, and only the public part of their profile. */
export function createUser(user: UpstreamUser) {
  return {
    userId: user.userId,
    username: user.username,
    firstName: user.firstName,
    profile: (async (_args, context) => {
      const profile = await context.loaders.profiles.load(user.userId);
      return profile ? { displayName: profile.displayName } : null;
    }) as Field<{ displayName: string } | null>,
  };
}

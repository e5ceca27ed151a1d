import { buildSchema, type GraphQLSchema } from 'graphql';

/** The most messages one `inbox` field may ask for. */
export const maxInboxLimit = 50;

/**
 * The schema, in SDL. The viewer (`me`) and the other users (`User`) are different types on
 * purpose: only the viewer has an inbox and a whole profile, so no query can reach another
 * user's mail or private fields (authorization lives in the shape, ASVS 4.0 §13.4.2).
 * Every field read from a service (resolvers.ts, upstreamFields) is nullable: when its service
 * fails it is null with an error, and only it (GraphQL spec §6.4.4: a non-null field that fails
 * nulls its parent, and `me: Viewer!` up to the whole `data`).
 */
export const schemaSource = /* GraphQL */ `
  type Query {
    "The signed-in user (the one the gateway names)."
    me: Viewer!
  }

  "The signed-in user."
  type Viewer {
    userId: ID!
    "Null (with an error) when auth cannot answer; so is firstName."
    username: String
    firstName: String
    "Null until the user creates one (POST /profile), or (with an error) when profile cannot answer."
    profile: Profile
    "Newest first; limit is 1 to ${maxInboxLimit}. Null (with an error) when mail cannot answer."
    inbox(limit: Int = 20): [Message!]
  }

  "The viewer's own profile, every field."
  type Profile {
    displayName: String!
    bio: String!
    location: String!
  }

  "A message in the viewer's inbox."
  type Message {
    id: ID!
    subject: String!
    "The start of the body, whitespace collapsed."
    snippet: String!
    "Epoch milliseconds."
    sentAt: Float!
    read: Boolean!
    "The sender as the message names them (name@topolab.test, or the postmaster)."
    fromAddress: String!
    "The sending user; null for the system's own messages or a user no longer known."
    from: User
  }

  "Another user, as any signed-in user may see them."
  type User {
    userId: ID!
    username: String!
    firstName: String!
    "Null when they have no profile."
    profile: PublicProfile
  }

  "What anybody signed in may see of a profile."
  type PublicProfile {
    displayName: String!
  }
`;

/** Builds the executable schema; resolvers are the fields (values or methods) of the model objects in resolvers.ts. */
export function createGraphqlSchema(): GraphQLSchema {
  return buildSchema(schemaSource);
}

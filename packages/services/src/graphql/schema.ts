import { buildSchema, type GraphQLSchema } from 'graphql';

/** The most messages one `inbox` field may ask for. */
export const maxInboxLimit = 50;

/**
 * The schema, in SDL. The viewer (`me`) and the other users (`User`) are different types on
 * purpose: only the viewer has an inbox and a whole profile, so no query can reach another
 * user's mail or private fields (authorization lives in the shape, ASVS 4.0 §13.4.2).
 */
export const schemaSource = /* GraphQL */ `
  type Query {
    "The signed-in user (the one the gateway names)."
    me: Viewer!
  }

  "The signed-in user."
  type Viewer {
    userId: ID!
    username: String!
    firstName: String!
    "Null until the user creates one (POST /profile)."
    profile: Profile
    "Newest first; limit is 1 to ${maxInboxLimit}."
    inbox(limit: Int = 20): [Message!]!
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

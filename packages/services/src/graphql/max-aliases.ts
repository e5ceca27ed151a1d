import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

/** GraphQL Armor's default for max-aliases: an operation may alias at most 15 fields. */
export const defaultMaxAliases = 15;

/**
 * An error when an operation of `document` aliases more than `maxAliases` fields (none when all fit), counted by GraphQL
 * Armor's max-aliases validation rule (through fragments, an aliased `__typename` free). Run
 * before the spec's rules: every alias is a field executed again (140 aliased `me { inbox }` were
 * 140 calls to mail), and the spec's overlapping-fields rule grows with their square.
 */
export function findTooManyAliases(schema: GraphQLSchema, document: DocumentNode, maxAliases: number): readonly GraphQLError[] {
  const rule = maxAliasesRule({
    n: maxAliases,
    // Armor throws out of validate() by default; reported, the refusal is one error with our own text.
    propagateOnRejection: false,
    onReject: [(context) => context?.reportError(new GraphQLError(`The operation uses more than ${maxAliases} aliases.`, { extensions: { maxAliases } }))],
  });
  // One error is enough, whichever operations exceed.
  return validate(schema, document, [rule]).slice(0, 1);
}

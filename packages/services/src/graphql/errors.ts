import { defineErrors } from '../kit/errors.js';

/**
 * Codes of the graphql service. They travel in a GraphQL response's `errors[].extensions.code`
 * (the HTTP status is that of the whole answer: see `responseStatus` in http-params.ts).
 */
export const graphqlErrors = defineErrors({
  GRAPHQL_REQUEST_INVALID: [400, 'The request is not a GraphQL request.', 'POST a JSON { query, variables?, operationName? }, or GET /graphql?query=… for a query.'],
  GRAPHQL_PARSE_FAILED: [400, 'The query is not valid GraphQL syntax.', 'See errors[].locations for where it stops parsing.'],
  GRAPHQL_VALIDATION_FAILED: [400, 'The query does not fit the schema.', 'See the schema in docs/services.md (GraphQL).'],
  GRAPHQL_VARIABLES_INVALID: [400, 'The variables do not fit the operation.', 'Send variables as a JSON object matching the declared types.'],
  GRAPHQL_DEPTH_EXCEEDED: [400, 'The query nests fields too deeply.', 'Ask for fewer nested levels; errors[].extensions names the limit.'],
  GRAPHQL_COST_EXCEEDED: [400, 'The query would cost too much to answer.', 'Ask for fewer fields or a smaller inbox limit; errors[].extensions names the limit.'],
  GRAPHQL_TOO_MANY_ALIASES: [400, 'The operation uses too many aliases.', 'Ask for each field once; errors[].extensions names the limit.'],
  GRAPHQL_OPERATION_UNKNOWN: [400, 'The operation to run cannot be determined.', 'Name one of the document’s operations in operationName.'],
  GRAPHQL_METHOD_NOT_ALLOWED: [405, 'Only a query operation may be sent with GET.', 'POST other operations as JSON.'],
  GRAPHQL_ARGUMENT_INVALID: [400, 'An argument is out of range.', 'See the field’s argument limits in docs/services.md (GraphQL).'],
  GRAPHQL_UPSTREAM_UNAVAILABLE: [503, 'A service behind this field could not answer.', 'Try again in a moment; errors[].path names the field.'],
});

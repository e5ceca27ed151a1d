import { defineErrors } from '../kit/errors.js';

/**
 * Codes of the graphql service. They travel in a GraphQL response's `errors[].extensions.code`
 * (the HTTP status is that of the whole answer: see `responseStatus` in http-params.ts).
 */
export const graphqlErrors = defineErrors({
  GRAPHQL_REQUEST_INVALID: {
    status: 400,
    message: 'The request is not a GraphQL request.',
    hint: 'POST a JSON { query, variables?, operationName? }, or GET /graphql?query=… for a query.',
  },
  GRAPHQL_PARSE_FAILED: { status: 400, message: 'The query is not valid GraphQL syntax.', hint: 'See errors[].locations for where it stops parsing.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, message: 'The query does not fit the schema.', hint: 'See the schema in docs/services.md (GraphQL).' },
  GRAPHQL_VARIABLES_INVALID: { status: 400, message: 'The variables do not fit the operation.', hint: 'Send variables as a JSON object matching the declared types.' },
  GRAPHQL_DEPTH_EXCEEDED: { status: 400, message: 'The query nests fields too deeply.', hint: 'Ask for fewer nested levels; errors[].extensions names the limit.' },
  GRAPHQL_COST_EXCEEDED: { status: 400, message: 'The query would cost too much to answer.', hint: 'Ask for fewer fields or a smaller inbox limit; errors[].extensions names the limit.' },
  GRAPHQL_TOO_MANY_ALIASES: { status: 400, message: 'The operation uses too many aliases.', hint: 'Ask for each field once; errors[].extensions names the limit.' },
  GRAPHQL_OPERATION_UNKNOWN: { status: 400, message: 'The operation to run cannot be determined.', hint: 'Name one of the document’s operations in operationName.' },
  GRAPHQL_METHOD_NOT_ALLOWED: { status: 405, message: 'Only a query operation may be sent with GET.', hint: 'POST other operations as JSON.' },
  GRAPHQL_ARGUMENT_INVALID: { status: 400, message: 'An argument is out of range.', hint: 'See the field’s argument limits in docs/services.md (GraphQL).' },
  GRAPHQL_UPSTREAM_UNAVAILABLE: { status: 503, message: 'A service behind this field could not answer.', hint: 'Try again in a moment; errors[].path names the field.' },
});

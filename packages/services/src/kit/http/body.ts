import type { IncomingMessage } from 'node:http';
import { readJsonBody as readJson } from '../../contract/http/body.js';
import { httpErrors } from '../errors.js';

export { hasBody } from '../../contract/http/body.js';

/** The services' answers to a body refused: 413 (closing the connection), 415 and 400. */
const bodyErrors = {
  tooLarge: (limit: number) =>
    httpErrors.HTTP_BODY_TOO_LARGE({ message: `The request body is larger than the limit of ${limit} bytes.`, headers: { connection: 'close' } }),
  unsupportedType: () => httpErrors.HTTP_UNSUPPORTED_MEDIA_TYPE(),
  malformed: (cause: unknown) => httpErrors.HTTP_BODY_MALFORMED({ cause }),
};

/**
 * Reads and parses a JSON body with the contract's reader and the kit's error codes;
 * `undefined` when there is none. With `form`, an `application/x-www-form-urlencoded` body is
 * accepted too (an OAuth token request, RFC 6749 §4.4.2), as an object of strings.
 */
export function readJsonBody(req: IncomingMessage, limit: number, form = false): Promise<unknown> {
  return readJson(req, { limit, form, ...bodyErrors });
}

import type { RouteEntry } from '../contract/registry-api.js';
import type { TraceContext } from '../kit/trace.js';
import type { AuthMode } from './auth/auth-mode.js';
import { gatewayErrors } from './errors.js';
import { readBearerToken } from './headers.js';
import type { SpanAttributes } from './span-attributes.js';

/** What the auth stage needs for one request. */
export interface AuthorizeInput {
  readonly route: RouteEntry;
  /** The client's `Authorization` header. */
  readonly authorization: string | undefined;
  /** The auth mode in force for this request. */
  readonly auth: AuthMode;
  readonly trace: TraceContext;
  /** Receives `authResult`, and `cache`, `authSource` (and `forgedToken`) when the mode says where its verdict came from. */
  readonly attributes: SpanAttributes;
}

/** Who a protected request is for, once the active auth mode accepted its token. */
export interface AuthorizedUser {
  readonly userId: string;
  /** The access token's jti and exp (epoch seconds): what the identity assertion stands for. */
  readonly tokenJti: string;
  readonly tokenExp: number;
}

/**
 * The auth stage: public routes pass; protected ones need a bearer token the active auth mode
 * accepts. Resolves the user and the token's jti and exp, for the identity assertion
 * (undefined on public routes); throws GATEWAY_UNAUTHENTICATED, GATEWAY_TOKEN_INVALID or
 * GATEWAY_AUTH_UNAVAILABLE.
 */
export async function authorize(input: AuthorizeInput): Promise<AuthorizedUser | undefined> {
  const { route, attributes } = input;
  if (route.access === 'public') {
    attributes.authResult = 'public';
    return undefined;
  }
  const token = readBearerToken(input.authorization);
  if (token === undefined) {
    attributes.authResult = input.authorization === undefined ? 'missing' : 'malformed';
    throw gatewayErrors.GATEWAY_UNAUTHENTICATED({ headers: { 'www-authenticate': 'Bearer' } });
  }
  let verdict;
  try {
    verdict = await input.auth.check(token, input.trace);
  } catch (error) {
    attributes.authResult = 'unavailable';
    throw error;
  }
  if (verdict.origin) {
    if (verdict.origin.cache) attributes.cache = verdict.origin.cache;
    attributes.authSource = verdict.origin.authSource;
    if (verdict.origin.forged) attributes.forgedToken = true;
  }
  if (!verdict.active) {
    attributes.authResult = 'inactive';
    throw gatewayErrors.GATEWAY_TOKEN_INVALID({ headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  }
  attributes.authResult = 'active';
  return { userId: verdict.userId, tokenJti: verdict.token.jti, tokenExp: verdict.token.exp };
}

import type { ServiceCaller } from '../discovery/service-caller.js';
import type { TraceContext } from '../trace.js';
import { toTokenFacts, type TokenFacts } from './token-facts.js';

/** Auth could not give a verdict (down, unreachable, or answering without one). */
export class IntrospectionUnavailableError extends Error {
  override readonly name = 'IntrospectionUnavailableError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Auth could not introspect a token: ${reason}.`, options);
  }
}

/** Options of createIntrospection. */
export interface IntrospectionOptions {
  /** Calls "some auth instance", found through the catalog. */
  readonly caller: ServiceCaller;
  /** How long one introspection may take. @default 2000 */
  readonly timeoutMs?: number;
  /**
   * Tell auth each question follows a miss in the global cache (`cacheMiss: true`), so auth,
   * the cache's only writer, writes the token's state back. @default false
   */
  readonly afterCacheMiss?: boolean;
}

/** Asks auth about a token: the one authoritative verdict (it knows every revocation). */
export interface Introspection {
  /** The facts of an active token, or undefined for an inactive one; throws IntrospectionUnavailableError. */
  introspect(token: string, trace?: TraceContext): Promise<TokenFacts | undefined>;
}

/** Creates an introspection client: `POST /auth/introspect { token }` on some auth instance. */
export function createIntrospection(options: IntrospectionOptions): Introspection {
  const { caller } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const extra = options.afterCacheMiss ? { cacheMiss: true } : {};
  return {
    async introspect(token, trace) {
      let answer;
      try {
        answer = await caller.call<{ active?: unknown }>({ service: 'auth', method: 'POST', path: '/auth/introspect', body: { token, ...extra }, ...(trace ? { trace } : {}), timeoutMs });
      } catch (error) {
        throw new IntrospectionUnavailableError('no auth instance answered', { cause: error });
      }
      if (answer.status === 200 && answer.body?.active === false) return undefined;
      const facts = answer.status === 200 && answer.body?.active === true ? toTokenFacts(answer.body) : undefined;
      if (!facts) throw new IntrospectionUnavailableError(`auth answered with status ${answer.status} and no verdict`);
      return facts;
    },
  };
}

/** Asks `introspection` about `token`; when auth cannot give a verdict, throws `unavailable(cause)` (the caller's 503) instead. */
export async function introspectOr(introspection: Introspection, token: string, trace: TraceContext | undefined, unavailable: (options: { cause: unknown }) => Error): Promise<TokenFacts | undefined> {
  try {
    return await introspection.introspect(token, trace);
  } catch (error) {
    if (error instanceof IntrospectionUnavailableError) throw unavailable({ cause: error });
    throw error;
  }
}

import { graphqlErrors } from './errors.js';
import type { Upstream } from './upstream.js';

/** The upstream client of ONE request, counting its calls. */
export interface BudgetedUpstream extends Upstream {
  /** Calls sent so far (never more than the budget). */
  calls(): number;
}

/**
 * Wraps `upstream` for one request: call `maxCalls + 1` fails with GRAPHQL_COST_EXCEEDED, the
 * field that needed it null with that error. The static count (measureOperation) refuses an
 * operation over the budget before it runs; this is the backstop if that count ever falls short.
 */
export function budgetUpstream(upstream: Upstream, maxCalls: number): BudgetedUpstream {
  let made = 0;
  const spend = <T>(call: () => Promise<T>): Promise<T> => {
    if (made >= maxCalls) return Promise.reject(graphqlErrors.GRAPHQL_COST_EXCEEDED({ message: `This request has made its ${maxCalls} calls to the services behind graphql.` }));
    made += 1;
    return call();
  };
  return {
    users: (userIds, trace) => spend(() => upstream.users(userIds, trace)),
    profiles: (userIds, trace) => spend(() => upstream.profiles(userIds, trace)),
    inbox: (userId, limit, trace) => spend(() => upstream.inbox(userId, limit, trace)),
    calls: () => made,
  };
}

import type * as Undici from 'undici';
import agentModule from 'undici/lib/dispatcher/agent.js';
import requestModule from 'undici/lib/api/api-request.js';
import connectModule from 'undici/lib/core/connect.js';
import errorsModule from 'undici/lib/core/errors.js';

/*
 * The parts of undici the proxy hop uses (kit/proxy/), loaded from their own modules. undici's
 * index also loads fetch, WebSocket, EventSource, the cache, the mock agents and every
 * interceptor: 600 kB of the gateway's and the lb's bundles (1.78 MB → 1.18 MB) and 8 MB of
 * their idle RSS (65 → 57.5 MB, `node bench/lifecycle.mjs`). The types are undici's own
 * (`undici-modules.d.ts` maps the module paths); `undici.test.ts` checks these are the classes
 * undici's index exports, and that no source imports the index.
 */

/** undici's Agent: a pool of keep-alive connections per origin. */
export const Agent = agentModule as typeof Undici.Agent;
export type Agent = Undici.Agent;

/** undici's connector (TCP with its timeouts), to wrap a connection as it opens. */
export const buildConnector = connectModule as typeof Undici.buildConnector;

/** undici's error classes (RequestAbortedError, HeadersTimeoutError, BodyTimeoutError…). */
export const errors = errorsModule as typeof Undici.errors;

/** undici's `dispatcher.request()` (the index adds it to every dispatcher; here it is called on one). */
export function request(dispatcher: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return (requestModule as (this: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>).call(dispatcher, options);
}

export type { Dispatcher } from 'undici';

/**
 * Facts about one request the pipeline collects as it goes; they become the attributes of the
 * gateway's server span: `route`, `service`, `upstream`, `upstreamAddress`, `discovery`,
 * `auth`, `authResult`, `retries`, and `error` (a code) when the request fails.
 */
export type SpanAttributes = Record<string, string | number | boolean>;

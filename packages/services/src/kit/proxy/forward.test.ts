import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors.js';
import { forwardWithRetry, type ForwardErrors } from './forward.js';
import type { AttemptResult, Upstream } from './upstream.js';
import type { AttemptOutcome, UpstreamProxy } from './upstream-proxy.js';

// Passive health (nginx max_fails, Envoy outlier detection) must hear only of the upstream's own
// failures: a body the client stalled, cut short or made too large is the client's doing.

const auth1: Upstream = { id: 'auth#1', host: '127.0.6.1', port: 1 };
const auth2: Upstream = { id: 'auth#2', host: '127.0.6.2', port: 1 };

const errorOf = (code: string, status: number) => () => new ServiceError(code, code, { status });
const errors: ForwardErrors = {
  noInstance: errorOf('NO_INSTANCE', 503),
  unreachable: errorOf('UNREACHABLE', 502),
  timeout: errorOf('TIMEOUT', 504),
  failed: errorOf('FAILED', 502),
  tooLarge: errorOf('TOO_LARGE', 413),
  bodyTimeout: errorOf('BODY_TIMEOUT', 408),
};

/** Forwards one request whose attempts end as `outcomes` say; what passive health heard and what was thrown. */
async function forwardOnce(method: string, outcomes: AttemptOutcome[]) {
  const settled: [string, AttemptResult][] = [];
  const refused: string[] = [];
  const proxy: UpstreamProxy = { forward: async () => outcomes.shift()!, close: () => undefined };
  const picks = [auth1, auth2];
  let thrown: unknown;
  try {
    await forwardWithRetry({
      req: {} as IncomingMessage,
      res: {} as ServerResponse,
      method,
      name: 'auth: POST /auth/register',
      trace: { traceId: '0'.repeat(32), spanId: '0'.repeat(16) },
      body: undefined,
      closeAfter: false,
      proxy,
      target: {
        pick: (exclude) => picks.find((upstream) => !exclude?.has(upstream.id)),
        refused: (upstream) => void refused.push(upstream.id),
        settled: (upstream, result) => void settled.push([upstream.id, result]),
      },
      errors,
      attributes: {},
    });
  } catch (error) {
    thrown = error;
  }
  return { settled, refused, code: (thrown as ServiceError | undefined)?.code, left: outcomes.length };
}

describe('forwardWithRetry and passive health', () => {
  it.each([
    ['a stalled body (408)', { kind: 'bodyTimeout', idleMs: 10_000 } as const, 'BODY_TIMEOUT'],
    ['a body past the limit (413)', { kind: 'tooLarge', limit: 1024 } as const, 'TOO_LARGE'],
    ['a client that left', { kind: 'aborted' } as const, undefined],
  ])('reports nothing of %s and neither retries nor blames the upstream', async (_name, outcome, code) => {
    // PUT is idempotent: were these counted as failures, it would be retried on auth#2.
    const result = await forwardOnce('PUT', [outcome, { kind: 'response', status: 200 }]);
    expect(result).toEqual({ settled: [], refused: [], code, left: 1 });
  });

  it("still reports the upstream's own timeout, reset and refusal, and its answers (any status)", async () => {
    const timeout = await forwardOnce('POST', [{ kind: 'failed', failure: 'timeout', cause: new Error('silent'), staleSocket: false }]);
    expect(timeout).toEqual({ settled: [['auth#1', 'timeout']], refused: [], code: 'TIMEOUT', left: 0 });
    const reset = await forwardOnce('GET', [{ kind: 'failed', failure: 'failed', cause: new Error('reset'), staleSocket: false }, { kind: 'response', status: 400 }]);
    expect(reset).toEqual({ settled: [['auth#1', 'failed'], ['auth#2', 'answered']], refused: [], code: undefined, left: 0 });
    const refusal = await forwardOnce('POST', [{ kind: 'failed', failure: 'refused', cause: new Error('refused'), staleSocket: false }]);
    expect(refusal).toEqual({ settled: [['auth#1', 'refused']], refused: ['auth#1'], code: 'UNREACHABLE', left: 0 });
  });
});

import { performance } from 'node:perf_hooks';
import type { GatewayClient, GatewayRequest, GatewayResponse } from '../client/gateway-client.js';
import { isTopolabError } from '../errors/topolab-error.js';
import { hopsOf, type Hop } from '../telemetry/trace-model/index.js';
import type { TraceCollector } from '../telemetry/trace-collector.js';
import type { ScenarioGateway } from './dsl.js';
import type { SecretRegistry } from './secrets.js';
import type { StepRecorder } from './step-recorder.js';

/** What a scenario gateway needs besides its client. */
export interface ScenarioGatewayOptions {
  readonly client: GatewayClient;
  readonly traces: TraceCollector;
  readonly recorder: Pick<StepRecorder, 'startRequest'>;
  readonly secrets: SecretRegistry;
  /** How long to wait for a request's spans before recording the hops seen so far. @default 1000 */
  readonly hopsTimeoutMs?: number;
}

/** The error code in an answer's body (`{ error: { code } }`). */
function codeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The hops of one answer, once its spans arrived (or those seen after `timeoutMs`). */
export function waitForHops(traces: TraceCollector, traceId: string, spanId: string, timeoutMs: number): Promise<Hop[]> {
  return traces
    .waitForTrace(traceId, { parentSpanId: spanId, timeoutMs })
    .catch(() => traces.spansOf(traceId))
    .then(hopsOf);
}

/**
 * A gateway for scenarios: each request is recorded in the current step with its status,
 * duration and hops. Hops are looked up without delaying the answer; the step waits for them
 * when it ends. Passwords, codes and tokens in request and response bodies are remembered as secrets.
 */
export function createScenarioGateway(options: ScenarioGatewayOptions): ScenarioGateway {
  const { client, traces, recorder, secrets } = options;
  const hopsTimeoutMs = options.hopsTimeoutMs ?? 1000;
  const hopsFor = (traceId: string, spanId: string): Promise<Hop[]> => waitForHops(traces, traceId, spanId, hopsTimeoutMs);

  async function request<T>(request: GatewayRequest): Promise<GatewayResponse<T>> {
    secrets.add(request.token);
    secrets.addFromBody(request.body);
    const record = recorder.startRequest(request.method, request.path);
    const started = performance.now();
    let response: GatewayResponse<T>;
    try {
      response = await client.request<T>(request);
    } catch (error) {
      const traceId = (isTopolabError(error) ? error.details?.traceId : undefined) as string | undefined;
      const code = isTopolabError(error) ? error.code : 'Error';
      record({ status: 0, durationMs: performance.now() - started, code }, Promise.resolve(traceId ? hopsOf(traces.spansOf(traceId)) : []));
      throw error;
    }
    secrets.addFromBody(response.body);
    const code = codeOf(response.body);
    record({ status: response.status, durationMs: response.durationMs, ...(code === undefined ? {} : { code }) }, hopsFor(response.traceId, response.spanId));
    return response;
  }

  return {
    url: client.baseUrl,
    request,
    get: (path, extra = {}) => request({ method: 'GET', path, ...extra }),
    post: (path, body, extra = {}) => request({ method: 'POST', path, body, ...extra }),
    put: (path, body, extra = {}) => request({ method: 'PUT', path, body, ...extra }),
  };
}

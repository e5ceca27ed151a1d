import { HttpRequestFailure, sendHttpRequest, type HttpResponse } from '../client/http-request.js';
import { runtimeError, type RuntimeErrorCode } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { formatHttpUrl } from '../topology/addresses.js';

/** Where the phone is read: the instances, and the runtime's service tokens (what the phone reads is behind internal routes). */
export interface PhoneSource {
  instances(): readonly InstanceInfo[];
  serviceToken(audience: string): Promise<string>;
}

/** What askReadyInstance asks. */
export interface ReadyInstanceRequest {
  /** The service asked; its first ready instance answers, and the service token is for it. */
  readonly service: string;
  /** Path and query of an internal route of that service. */
  readonly path: string;
  /** Raised when no instance of the service is ready. */
  readonly unavailable: RuntimeErrorCode;
}

/**
 * GETs an internal route of the first ready instance of a service with the runtime's service
 * token (client `control`), and returns its answer whatever the status. `request.unavailable`
 * when none is ready, CONTROL_UPSTREAM_FAILED when it (or auth, for the token) does not answer.
 */
export async function askReadyInstance(source: PhoneSource, request: ReadyInstanceRequest): Promise<{ instance: InstanceInfo; answer: HttpResponse }> {
  const instances = source.instances();
  const instance = instances.find((candidate) => candidate.service === request.service && candidate.state === 'ready');
  if (!instance) throw runtimeError(request.unavailable);
  // A topology without auth (a fixture's) has nobody to issue tokens, nor to check them.
  const hasAuth = instances.some((candidate) => candidate.service === 'auth');
  const headers: Record<string, string> = hasAuth ? { authorization: `Bearer ${await source.serviceToken(request.service)}` } : {};
  try {
    return { instance, answer: await sendHttpRequest({ url: `${formatHttpUrl(instance.host, instance.port)}${request.path}`, headers, timeoutMs: 3000 }) };
  } catch (error) {
    if (!(error instanceof HttpRequestFailure)) throw error;
    throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `${instance.id} did not answer (${error.failure}).`, cause: error });
  }
}

/** The error code of a refusal (`HTTP 404` when the body has none). */
export function refusalCode(answer: HttpResponse): string {
  return (answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? `HTTP ${answer.status}`;
}

/**
 * The control API's JSON routes, as the page calls them: same origin, the session cookie
 * carries the auth. An error answer (`{ error: { code, message, hint? } }`) or a failed
 * fetch becomes a ControlApiError, for the status line. `fetch` is a parameter, for tests.
 */
import type { InstanceAction, PhoneMessage, TopologyModes } from '../protocol';

/** The fetch the API calls (the browser's by default). */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** A refusal of the control API, or a request that got no answer. */
export class ControlApiError extends Error {
  /** Creates the error of an answer (`status`) or of no answer (`status` 0). */
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly hint: string | undefined,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

/** `{ error: { code, message, hint? } }` read from an answer body, when it is one. */
function errorOf(body: unknown): { code: string; message: string; hint: string | undefined } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : undefined;
  const hint = 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined;
  return code === undefined && message === undefined ? undefined : { code: code ?? 'ERROR', message: message ?? '', hint };
}

/** Sends one request; answers the parsed JSON body, or throws a ControlApiError. */
export async function requestJson(fetchImpl: Fetch, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ControlApiError('NETWORK_ERROR', error instanceof Error ? error.message : String(error), 0, 'Is the topology still running?');
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = errorOf(parsed);
    throw new ControlApiError(error?.code ?? `HTTP_${response.status}`, error?.message || response.statusText || 'Request failed.', response.status, error?.hint);
  }
  return parsed;
}

/** `/v1/instances/profile%232/kill`. */
export function instanceActionPath(instanceId: string, action: InstanceAction): string {
  return `/v1/instances/${encodeURIComponent(instanceId)}/${action}`;
}

/** `/v1/services/profile/scale`. */
export function scalePath(service: string): string {
  return `/v1/services/${encodeURIComponent(service)}/scale`;
}

/** `/v1/phone/%2B447700900123?limit=5`. */
export function phonePath(number: string, limit: number): string {
  return `/v1/phone/${encodeURIComponent(number)}?limit=${limit}`;
}

/** The control routes the page uses. */
export interface ControlApi {
  /** Switches one mode on every gateway; answers the modes now in force. */
  setMode(kind: keyof TopologyModes, value: string): Promise<unknown>;
  /** Sends a fault (or its undoing) to one instance. */
  instanceAction(instanceId: string, action: InstanceAction): Promise<unknown>;
  /** Scales a service to `replicas` instances. */
  scale(service: string, replicas: number): Promise<unknown>;
  /** The latest `limit` texts sent to `number`, newest first. */
  readPhone(number: string, limit?: number): Promise<PhoneMessage[]>;
}

/** Whether `value` has the fields a phone message is drawn with. */
function isPhoneMessage(value: unknown): value is PhoneMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  return typeof message.text === 'string' && typeof message.time === 'number' && (typeof message.id === 'string' || typeof message.id === 'number');
}

/** The control API over `fetchImpl` (the browser's fetch by default). */
export function createControlApi(fetchImpl: Fetch = (input, init) => fetch(input, init)): ControlApi {
  return {
    setMode: (kind, value) => requestJson(fetchImpl, 'POST', '/v1/modes', { [kind]: value }),
    instanceAction: (instanceId, action) => requestJson(fetchImpl, 'POST', instanceActionPath(instanceId, action), {}),
    scale: (service, replicas) => requestJson(fetchImpl, 'POST', scalePath(service), { replicas }),
    async readPhone(number, limit = 5) {
      const body = await requestJson(fetchImpl, 'GET', phonePath(number, limit));
      const messages = typeof body === 'object' && body !== null && 'messages' in body && Array.isArray(body.messages) ? body.messages : [];
      return messages.filter(isPhoneMessage).sort((a, b) => b.time - a.time);
    },
  };
}

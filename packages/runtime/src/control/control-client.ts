import { isErrorBody, type DomainEventType } from '@topolab/services/contract';
import { HttpRequestFailure, sendHttpRequest } from '../client/http-request.js';
import { isRuntimeErrorCode, runtimeError } from '../errors/error-codes.js';
import { TopolabError } from '../errors/topolab-error.js';
import { isProcessAlive } from '../supervisor/process-alive.js';
import { controlFilePath, readControlFile, type ControlFile } from './control-file.js';
import type { FaultAction, FaultResult } from '../topology/faults.js';
import type { ScaleResult } from '../topology/scale.js';
import type { ModesChange } from '../topology/topology-modes.js';
import type { ControlEvents } from '../events/event-status.js';
import type { AuthenticatorCode } from '../phone/read-authenticator.js';
import type { ControlStatus, PhoneMessages } from './control-routes.js';
import type { ControlModes, ControlModesChanged } from './mode-routes.js';

/** Options of createControlClient. */
export interface ControlClientOptions {
  /** The data dir of the running topology (`.topolab/` by default in the CLI). */
  readonly dataDir: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** For faults, scales and mode switches, which wait for instances to stop and start. @default 60000 */
  readonly actionTimeoutMs?: number;
}

/** Talks to the control API of the topology running in a data dir. */
export interface ControlClient {
  /** `GET /v1/status`. */
  status(): Promise<ControlStatus>;
  /** `GET /v1/phone/:number`: what the SMS service sent to `number`, newest first. */
  phone(number: string, options?: { limit?: number }): Promise<PhoneMessages>;
  /** `GET /v1/authenticator/:username`: the current code of the user's authenticator app (TOTP). */
  authenticator(username: string): Promise<AuthenticatorCode>;
  /** `GET /v1/modes`: the modes in force and the valid values. */
  modes(): Promise<ControlModes>;
  /** `POST /v1/modes`: switches every gateway. */
  setModes(change: ModesChange): Promise<ControlModesChanged>;
  /** `POST /v1/instances/:id/:action`. */
  fault(action: FaultAction, instanceId: string): Promise<FaultResult>;
  /** `POST /v1/services/:name/scale`. */
  scale(service: string, replicas: number): Promise<ScaleResult>;
  /** `GET /v1/events`: auth's domain events after a seq, with each consumer's state of each. */
  events(options?: { after?: number; limit?: number; type?: DomainEventType }): Promise<ControlEvents>;
  /** Any control route (for routes added later); resolves with the JSON body of a 2xx answer. */
  request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/**
 * Creates a client. The control file is read on every call, so a restarted topology is found;
 * a missing file, or one whose process is gone, rejects with CONTROL_NOT_RUNNING.
 */
export function createControlClient(options: ControlClientOptions): ControlClient {
  const actionTimeoutMs = options.actionTimeoutMs ?? 60_000;
  const locate = (): ControlFile => {
    const file = readControlFile(options.dataDir);
    if (!file) throw runtimeError('CONTROL_NOT_RUNNING', { message: `No topology is running in ${options.dataDir} (no ${controlFilePath(options.dataDir)}).` });
    if (!isProcessAlive(file.pid)) {
      throw runtimeError('CONTROL_NOT_RUNNING', { message: `No topology is running in ${options.dataDir} (its control file is stale: process ${file.pid} is gone).` });
    }
    return file;
  };

  async function request<T>(method: string, path: string, body?: unknown, timeoutMs = options.timeoutMs ?? 5000): Promise<T> {
    const file = locate();
    let answer;
    try {
      answer = await sendHttpRequest({ url: new URL(path, file.url), method, body, headers: { authorization: `Bearer ${file.token}` }, timeoutMs });
    } catch (error) {
      const why = error instanceof HttpRequestFailure ? error.failure : 'network';
      throw runtimeError('CONTROL_UNREACHABLE', { message: `The control API at ${file.url} did not answer (${why}).`, cause: error });
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    if (answer.status === 401) throw runtimeError('CONTROL_UNAUTHORIZED');
    throw errorFromAnswer(answer.status, answer.body);
  }

  return {
    status: () => request<ControlStatus>('GET', '/v1/status'),
    phone: (number, phoneOptions = {}) => {
      const query = phoneOptions.limit === undefined ? '' : `?limit=${encodeURIComponent(String(phoneOptions.limit))}`;
      return request<PhoneMessages>('GET', `/v1/phone/${encodeURIComponent(number)}${query}`);
    },
    authenticator: (username) => request<AuthenticatorCode>('GET', `/v1/authenticator/${encodeURIComponent(username)}`),
    modes: () => request<ControlModes>('GET', '/v1/modes'),
    setModes: (change) => request<ControlModesChanged>('POST', '/v1/modes', change, actionTimeoutMs),
    fault: (action, instanceId) => request<FaultResult>('POST', `/v1/instances/${encodeURIComponent(instanceId)}/${action}`, undefined, actionTimeoutMs),
    scale: (service, replicas) => request<ScaleResult>('POST', `/v1/services/${encodeURIComponent(service)}/scale`, { replicas }, actionTimeoutMs),
    events: (eventOptions = {}) => {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(eventOptions)) if (value !== undefined) search.set(name, String(value));
      return request<ControlEvents>('GET', `/v1/events${search.size > 0 ? `?${search}` : ''}`);
    },
    request: (method, path, body) => request(method, path, body),
  };
}

/** Rebuilds the error the control API answered; codes outside the runtime's table exit 2 for 4xx, 3 otherwise. */
function errorFromAnswer(status: number, body: unknown): TopolabError {
  if (!isErrorBody(body)) return runtimeError('CONTROL_UPSTREAM_FAILED', { message: `The control API answered ${status} without an error body.` });
  const { code, message, hint } = body.error;
  if (isRuntimeErrorCode(code)) return runtimeError(code, { message, ...(hint === undefined ? {} : { hint }) });
  return new TopolabError(code, message, { hint, exitCode: status < 500 ? 2 : 3, details: { status } });
}

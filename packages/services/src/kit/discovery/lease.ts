import type { RegisterRequest, RegisterResponse } from '../../contract/registry-api.js';
import { retryUntil } from '../backoff.js';
import type { HttpClient } from '../http/client.js';
import type { ServiceCredentials } from '../../contract/service-token-source.js';
import type { Telemetry } from '../telemetry.js';
import { registryTarget } from './registry-target.js';

/** Options of createLease. */
export interface LeaseOptions {
  readonly registryUrl: string;
  readonly registration: RegisterRequest;
  readonly heartbeatMs: number;
  readonly http: HttpClient;
  readonly telemetry: Telemetry;
  /**
   * Report `registered` as this instance's own condition. False for a lease kept for another
   * instance (nginx-sync registering nginx), whose registrations are its own events. @default true
   */
  readonly reportsState?: boolean;
  /**
   * This instance's service token for the registry (scope `registry.register`), sent with every
   * registration, heartbeat and deregistration; undefined sends none (the registry refuses
   * those). `refused` drops a token the registry answered 401 to, so the next call gets a fresh one.
   */
  readonly credentials?: ServiceCredentials;
}

/** An instance's registration with the registry, kept alive by heartbeats. */
export interface Lease {
  /** Registers, retrying until the registry answers or `deadline` (epoch ms) passes. */
  register(deadline: number): Promise<RegisterResponse>;
  /** Starts heartbeating. A 404 answer (the registry forgot us) registers again. */
  start(): void;
  /** Stops heartbeating but keeps serving: the registry will evict us (a "zombie"). */
  pause(): void;
  /** Whether heartbeats are being sent. */
  readonly beating: boolean;
  /** Stops heartbeating and deregisters (best effort, bounded by `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Creates the lease of one instance. */
export function createLease(options: LeaseOptions): Lease {
  const { registration, heartbeatMs, http, telemetry } = options;
  const target = registryTarget(options.registryUrl);
  const instancePath = `/v1/instances/${encodeURIComponent(registration.instanceId)}`;
  let timer: NodeJS.Timeout | undefined;
  let beating = false;
  // Bumped by pause and stop: a heartbeat begun before then must not send or register again
  // after, or a zombie whose last heartbeat landed after its eviction (a 404) would come back.
  let generation = 0;
  let registryDown = false;

  async function authorization(): Promise<{ headers?: Record<string, string> }> {
    const token = await options.credentials?.token();
    return token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
  }

  function refusedWith(status: number): void {
    if (status === 401) options.credentials?.refused();
  }

  async function registerOnce(): Promise<RegisterResponse> {
    const result = await http.call<RegisterResponse>({
      ...target,
      method: 'POST',
      path: '/v1/instances',
      body: registration,
      name: 'registry.register',
      ...(await authorization()),
    });
    if (result.status !== 201 && result.status !== 200) {
      refusedWith(result.status);
      throw new Error(`registry answered ${result.status} to the registration`);
    }
    return result.body;
  }

  async function heartbeat(): Promise<void> {
    const begun = generation;
    try {
      const auth = await authorization();
      if (generation !== begun) return;
      const result = await http.call({ ...target, method: 'PUT', path: `${instancePath}/heartbeat`, name: 'registry.heartbeat', timeoutMs: heartbeatMs * 2, ...auth });
      refusedWith(result.status);
      if (result.status === 401 || result.status === 403) throw new Error(`registry refused the heartbeat (${result.status})`);
      if (result.status === 404 && generation === begun) {
        telemetry.warn('registry does not know this instance; registering again');
        await registerOnce();
        if (options.reportsState !== false) telemetry.state('registered', 'again');
      }
      if (registryDown) telemetry.info('registry reachable again');
      registryDown = false;
    } catch (error) {
      if (!registryDown) telemetry.warn('heartbeat failed', { error });
      registryDown = true;
    }
  }

  function schedule(): void {
    timer = setTimeout(() => {
      void heartbeat().finally(() => {
        if (beating) schedule();
      });
    }, heartbeatMs);
  }

  return {
    async register(deadline) {
      const answer = await retryUntil(deadline, registerOnce);
      if (options.reportsState !== false) telemetry.state('registered');
      return answer;
    },
    start() {
      if (beating) return;
      beating = true;
      schedule();
    },
    pause() {
      beating = false;
      generation++;
      clearTimeout(timer);
    },
    get beating() {
      return beating;
    },
    async stop(timeoutMs = 500) {
      beating = false;
      generation++;
      clearTimeout(timer);
      try {
        await http.call({ ...target, method: 'DELETE', path: instancePath, name: 'registry.deregister', timeoutMs, ...(await authorization()) });
      } catch {
        // The lease expires on its own when the registry is unreachable.
      }
    },
  };
}

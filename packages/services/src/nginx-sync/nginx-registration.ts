import type { RegisterRequest } from '../contract/registry-api.js';
import { createLease, type Lease } from '../kit/discovery/lease.js';
import type { HttpClient } from '../kit/http/client.js';
import type { ServiceCredentials } from '../contract/service-token-source.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { NginxTarget } from './config.js';
import type { NginxControl } from './nginx-control.js';

/** Options of createNginxRegistration. */
export interface NginxRegistrationOptions {
  readonly target: NginxTarget;
  readonly control: Pick<NginxControl, 'healthy' | 'pid'>;
  readonly registryUrl: string;
  readonly heartbeatMs: number;
  readonly http: HttpClient;
  readonly telemetry: Telemetry;
  /** nginx-sync's own service token for the registry (`registry.register`): the registry lets it hold nginx's lease. */
  readonly credentials?: ServiceCredentials | undefined;
}

/** nginx's registration as an lb instance, kept by nginx-sync while nginx answers. */
export interface NginxRegistration {
  /** Starts checking nginx (every 20 ms until it is first registered, then every heartbeat). */
  start(): void;
  /** Stops heartbeating for nginx (a zombie fault: it serves on, the registry evicts it). */
  pause(): void;
  /** Heartbeats again (registering again once evicted). */
  resume(): void;
  /** Whether nginx is registered now. */
  readonly registered: boolean;
  /** Stops checking and heartbeating without deregistering: nginx serves on, and the lease lapses unless nginx-sync comes back. */
  stop(): void;
}

/**
 * Registers nginx in the registry as an instance of `lb` on its behalf (as a Consul agent
 * does for the services it checks): a health check of nginx's own location each heartbeat;
 * healthy → registered (again, with the new pid after a restart) and heartbeating; failing →
 * deregistered at once, so gateways in server mode stop sending it requests.
 */
export function createNginxRegistration(options: NginxRegistrationOptions): NginxRegistration {
  const { target, control, telemetry, heartbeatMs } = options;
  let lease: Lease | undefined;
  let registeredPid: number | undefined;
  let paused = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const registration = (pid: number | undefined): RegisterRequest => ({
    service: 'lb',
    instanceId: target.instanceId,
    host: target.advertiseHost ?? target.host,
    port: target.port,
    routes: [],
    ...(pid === undefined ? {} : { pid }),
  });

  async function check(): Promise<void> {
    if (paused) return;
    const healthy = await control.healthy(Math.max(100, Math.min(heartbeatMs, 1000)));
    if (paused || stopped) return;
    if (!healthy) {
      if (!lease) return;
      const gone = lease;
      lease = undefined;
      registeredPid = undefined;
      telemetry.warn('nginx does not answer its health check; deregistered it', { instanceId: target.instanceId });
      telemetry.event('nginx.deregistered', { instanceId: target.instanceId, reason: 'health check failed' });
      await gone.stop(500);
      return;
    }
    const pid = control.pid();
    if (lease && pid === registeredPid) return;
    lease?.pause();
    const next = createLease({ registryUrl: options.registryUrl, registration: registration(pid), heartbeatMs, http: options.http, telemetry, reportsState: false, ...(options.credentials ? { credentials: options.credentials } : {}) });
    await next.register(Date.now() + heartbeatMs * 4);
    if (paused || stopped) return;
    next.start();
    lease = next;
    registeredPid = pid;
    telemetry.event('nginx.registered', { instanceId: target.instanceId, address: `${target.advertiseHost ?? target.host}:${target.port}`, ...(pid === undefined ? {} : { pid }) });
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      check()
        .catch((error: unknown) => telemetry.warn('could not register nginx; retrying', { error }))
        .finally(schedule);
    }, lease ? heartbeatMs : 20);
    timer.unref();
  }

  return {
    start() {
      schedule();
    },
    pause() {
      paused = true;
      lease?.pause();
    },
    resume() {
      paused = false;
      lease?.start();
    },
    get registered() {
      return lease !== undefined && !paused;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      lease?.pause();
    },
  };
}

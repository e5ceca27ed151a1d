import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { RegisterRequest } from '../src/contract/registry-api.js';
import { recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createRegistryApp, type RegistryApp, type RegistryAppOptions, type RegistryConfig } from '../src/registry/app.js';

/** profile#1's registration: 127.0.5.1:4001, serving /profile to signed-in users. */
export const testProfile1: RegisterRequest = {
  service: 'profile',
  instanceId: 'profile#1',
  host: '127.0.5.1',
  port: 4001,
  routes: [{ prefix: '/profile', access: 'protected' }],
  pid: 101,
};

/** auth#1's registration: 127.0.3.1:4002, serving /auth to everyone. */
export const testAuth1: RegisterRequest = { service: 'auth', instanceId: 'auth#1', host: '127.0.3.1', port: 4002, routes: [{ prefix: '/auth', access: 'public' }] };

/** Options of startTestRegistry. */
export interface TestRegistryOptions extends Partial<Omit<RegistryAppOptions, 'config' | 'telemetry'>> {
  readonly config?: Partial<RegistryConfig>;
  /** Starts the real sweeper; leave it off to drive eviction with `app.sweeper.tick()`. @default false */
  readonly sweep?: boolean;
}

/** An in-process registry listening on 127.0.0.1 on an OS-assigned port. */
export interface TestRegistry {
  readonly app: RegistryApp;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly recorded: RecordedTelemetry;
  /** The ids of the instances in the catalog now, service by service. */
  instanceIds(): string[];
  /** Stops the sweeper, ends streams and closes the server. */
  close(): Promise<void>;
}

/** Builds and starts a registry for a test; the caller registers `close` right away. */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const recorded = recordTelemetry('registry', { level: 'info' });
  const config: RegistryConfig = { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, ...options.config };
  const app = createRegistryApp({ ...options, config, telemetry: recorded.telemetry });
  app.server.listen(0, '127.0.0.1');
  await once(app.server, 'listening');
  const { address: host, port } = app.server.address() as AddressInfo;
  if (options.sweep) await app.start();
  return {
    app,
    host,
    port,
    url: `http://${host}:${port}`,
    recorded,
    instanceIds: () => Object.values(app.store.catalog().services).flat().map((instance) => instance.instanceId),
    async close() {
      app.close();
      if (!app.server.listening) return;
      const closed = once(app.server, 'close');
      app.server.close();
      app.server.closeAllConnections();
      await closed;
    },
  };
}

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RouteSpec } from '../contract/registry-api.js';
import { parseServiceConfig, type ServiceConfig } from './config.js';
import { createCatalogCache, type CatalogCache } from './discovery/catalog-cache.js';
import { createLease, type Lease } from './discovery/lease.js';
import { createServiceCaller, type ServiceCaller } from './discovery/service-caller.js';
import { createServiceGuard, serviceAuthErrors, type ServiceGuard } from './service-auth/guard.js';
import { createAuthKeySet } from './service-auth/key-set.js';
import { createRemoteTokenFetch } from './service-auth/remote-token.js';
import { createServiceTokenSource, type ServiceTokenSource } from './service-auth/token-source.js';
import { createHttpClient, type HttpClient } from './http/client.js';
import { connectParent, type CommandHandler, type ParentChannel } from './ipc.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

/** What runService hands to a service's factory. */
export interface ServiceDeps {
  readonly config: ServiceConfig;
  readonly telemetry: Telemetry;
  readonly channel: ParentChannel;
  /** Keep-alive JSON client with client spans. */
  readonly http: HttpClient;
  /** Creates a catalog cache on the registry (the app starts it in `start`). */
  createCatalog(): CatalogCache;
  /**
   * A caller of other services through `catalog` whose calls carry this instance's service
   * token for the service called (client credentials from auth, cached until near expiry).
   */
  createServiceCaller(catalog: CatalogCache): ServiceCaller;
  /** Checks service tokens sent to this service's internal routes, against auth's published keys (fetched through `caller`). */
  createServiceGuard(caller: ServiceCaller): ServiceGuard;
}

/** A built, unstarted service. */
export interface ServiceApp {
  /** Serves `/health` and the service's routes (HTTPS for a gateway with TLS). */
  readonly server: Server | HttpsServer;
  /** Routes to register with the registry; omitted for services that do not serve users through the gateway. */
  readonly routes?: readonly RouteSpec[];
  /** Runs after the server listens and before `ready` (load a catalog, open streams). */
  start?(listening: { host: string; port: number }): Promise<void>;
  /** Runs on shutdown right after the server stopped accepting, before the drain: end long-lived connections (WebSockets) it would wait for. */
  drain?(): void;
  /** Runs on shutdown after the server stopped accepting (close the database). */
  close?(): Promise<void> | void;
  /** Other listeners it opened in `start` (`{ http: … }` of the gateway's redirect, `{ dns: … }`), reported with `ready`. */
  endpoints?(): Readonly<Record<string, { host: string; port: number }>>;
  /** Supervisor commands this service understands besides the kit's (`lease.pause`, `lease.resume`). */
  readonly onCommand?: CommandHandler;
}

/** Options of runService. */
export interface RunServiceOptions {
  /** How long registration may keep retrying. @default 10000 */
  readonly startTimeoutMs?: number;
  /** How long open connections get to finish on SIGTERM. @default 1000 */
  readonly drainMs?: number;
  /** How long they get when the supervisor is gone (its siblings are going too). @default 200 */
  readonly orphanDrainMs?: number;
}

/**
 * The whole life of an instance (a service's `main.ts` calls only this): read config, build
 * the app, listen on the given loopback address, register and heartbeat, report `ready`;
 * on SIGTERM or when the supervisor disappears, deregister, drain, close and exit 0.
 */
export async function runService(create: (deps: ServiceDeps) => ServiceApp | Promise<ServiceApp>, options: RunServiceOptions = {}): Promise<void> {
  let shutdown: (reason: string) => void = () => process.exit(0);
  const channel = connectParent(() => shutdown('supervisor gone'));
  let config: ServiceConfig;
  try {
    config = parseServiceConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  // Spans reach the supervisor within 5 ms (well inside the trace collector's 20 ms settle), many per message under load.
  const telemetry = createTelemetry({ service: config.service, instanceId: config.instanceId, channel, level: config.logLevel, spanBatchMs: 5 });
  process.on('warning', (warning) => {
    telemetry.warn('node warning', { warning: warning.name, message: warning.message });
    telemetry.event('node.warning', { name: warning.name, message: warning.message });
  });
  const fatal = (error: unknown) => {
    telemetry.error('fatal error', { error, stack: (error as Error)?.stack });
    telemetry.flush();
    process.stderr.write(`${config.instanceId}: ${(error as Error)?.stack ?? String(error)}\n`);
    setImmediate(() => process.exit(1));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  const http = createHttpClient({ telemetry });
  const tokenSources = new WeakMap<CatalogCache, ServiceTokenSource>();
  const tokenSourceFor = (catalog: CatalogCache): ServiceTokenSource | undefined => {
    if (!config.client) return undefined;
    let source = tokenSources.get(catalog);
    if (!source) {
      const fetch = createRemoteTokenFetch({ caller: createServiceCaller(catalog, http), clientId: config.client.id, clientSecret: config.client.secret });
      tokenSources.set(catalog, (source = createServiceTokenSource({ clientId: config.client.id, fetch })));
    }
    return source;
  };
  const deps: ServiceDeps = {
    config,
    telemetry,
    channel,
    http,
    createCatalog() {
      if (!config.registryUrl) throw new Error('This instance has no registry URL.');
      return createCatalogCache({
        registryUrl: config.registryUrl,
        refreshMs: config.catalogRefreshMs,
        http,
        telemetry,
        // One lease plus a sweep: by then every live instance has heartbeated and registered again.
        refillGraceMs: config.heartbeatMs * config.missedHeartbeats + config.sweepIntervalMs,
      });
    },
    createServiceCaller: (catalog) => createServiceCaller(catalog, http, tokenSourceFor(catalog)),
    createServiceGuard: (caller) =>
      createServiceGuard(config.service, createAuthKeySet({ caller, unavailable: (extras) => serviceAuthErrors.HTTP_SERVICE_AUTH_UNAVAILABLE(extras) })),
  };

  let lease: Lease | undefined;
  let app: ServiceApp | undefined;
  let stopping = false;
  shutdown = (reason) => {
    if (stopping) return;
    stopping = true;
    void stop(reason);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // A terminal's Ctrl-C reaches the whole process group; under a supervisor, it decides the
  // stop order (dependents first, registry last), so the instance waits for its SIGTERM.
  if (channel.connected) process.on('SIGINT', () => undefined);
  else process.once('SIGINT', () => shutdown('SIGINT'));

  async function stop(reason: string): Promise<void> {
    telemetry.state('stopping', reason);
    const orphaned = !channel.connected && process.send !== undefined;
    const drainMs = orphaned ? (options.orphanDrainMs ?? 200) : (options.drainMs ?? 1000);
    await lease?.stop(orphaned ? 100 : 500);
    if (app) {
      const closed = once(app.server, 'close');
      app.server.close();
      app.server.closeIdleConnections();
      app.drain?.();
      const drained = await Promise.race([closed.then(() => true), delay(drainMs).then(() => false)]);
      if (!drained) app.server.closeAllConnections();
      await app.close?.();
    }
    http.close();
    telemetry.flush();
    process.exit(0);
  }

  try {
    app = await create(deps);
    app.server.listen(config.port, config.host);
    await once(app.server, 'listening');
    const { address: host, port } = app.server.address() as AddressInfo;
    telemetry.setAddress(`${host}:${port}`);
    await app.start?.({ host, port });
    if (app.routes && config.registryUrl) {
      lease = createLease({
        registryUrl: config.registryUrl,
        heartbeatMs: config.heartbeatMs,
        http,
        telemetry,
        registration: { service: config.service, instanceId: config.instanceId, host: config.advertiseHost ?? host, port, routes: app.routes, pid: process.pid },
      });
      await lease.register(Date.now() + (options.startTimeoutMs ?? 10_000));
      lease.start();
    }
    const ownCommands = app.onCommand;
    channel.onCommand((command, args) => {
      if (command === 'lease.pause') return lease?.pause();
      if (command === 'lease.resume') return lease?.start();
      if (ownCommands) return ownCommands(command, args);
      throw new Error(`${config.service} does not understand the command ${command}`);
    });
    if (stopping) return;
    const endpoints = app.endpoints?.();
    channel.send({ type: 'ready', instanceId: config.instanceId, address: { host, port }, pid: process.pid, ...(endpoints ? { endpoints } : {}) });
    telemetry.info('ready', { address: `${host}:${port}` });
  } catch (error) {
    fatal(error);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RouteSpec } from '../contract/registry-api.js';
import { envNames } from '../contract/env.js';
import { ConfigError, parseServiceConfig, type ServiceConfig } from './config.js';
import { createCatalogCache, type CatalogCache } from './discovery/catalog-cache.js';
import { createLease, type Lease } from './discovery/lease.js';
import { createServiceCaller, type ServiceCaller } from './discovery/service-caller.js';
import { createIdentityVerifier, type IdentityVerifier } from './identity/identity-verifier.js';
import { createServiceGuard, serviceAuthErrors, type ServiceGuard } from './service-auth/guard.js';
import { createAuthKeySet } from './service-auth/key-set.js';
import { createInstanceTokens } from './service-auth/instance-tokens.js';
import { credentialsOf, type ServiceCredentials, type ServiceTokenSource } from '../contract/service-token-source.js';
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
   * token for the service called (the platform's projected tokens for registry, bus and cache;
   * client credentials from auth for the others; cached until near expiry).
   */
  createServiceCaller(catalog: CatalogCache): ServiceCaller;
  /**
   * Checks service tokens sent to this service's internal routes, against auth's key handed
   * over at start (`TOPOLAB_AUTH_PUBLIC_KEY`), and auth's JWKS fetched through `caller` for a
   * key not known yet. The registry, bus and cache pass no caller: auth needs them first, so
   * they check with the key handed over only, and throw a ConfigError without it (the
   * instance exits 2 naming the variable: never an open part by accident).
   */
  createServiceGuard(caller?: ServiceCaller): ServiceGuard;
  /** Checks the gateway's identity assertions addressed to this service (the user of a request). */
  readonly identity: IdentityVerifier;
  /** This instance's token for `audience`, for a client that sends its own requests (nginx-sync holding nginx's lease); undefined without client credentials. */
  credentials(audience: string): ServiceCredentials | undefined;
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
  /** Where the lease gets its registry token when not from the kit's source (auth signs its own). */
  readonly tokens?: ServiceTokenSource;
  /** Runs once, right after `ready` was reported: loads what the first requests need without delaying the start (jose for a platform part). */
  warm?(): Promise<void>;
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
  const createCatalog = (): CatalogCache => {
    if (!config.registryUrl) throw new Error('This instance has no registry URL.');
    return createCatalogCache({
      registryUrl: config.registryUrl,
      refreshMs: config.catalogRefreshMs,
      http,
      telemetry,
      // One lease plus a sweep: by then every live instance has heartbeated and registered again.
      refillGraceMs: config.heartbeatMs * config.missedHeartbeats + config.sweepIntervalMs,
    });
  };
  const instanceTokens = createInstanceTokens({ config, http, createCatalog, catalogTimeoutMs: options.startTimeoutMs ?? 10_000 });
  const tokens = instanceTokens.source;
  const deps: ServiceDeps = {
    config,
    telemetry,
    channel,
    http,
    createCatalog,
    createServiceCaller(catalog) {
      instanceTokens.useCatalog(catalog);
      return createServiceCaller(catalog, http, tokens);
    },
    createServiceGuard(caller) {
      // Without a caller only the key handed over verifies: a part that has neither does not start (never an open part by accident).
      if (!caller && !config.keys.auth) throw new ConfigError([`${envNames.authPublicKey}: required by ${config.service}, which checks service tokens with auth's key`]);
      return createServiceGuard(
        config.service,
        createAuthKeySet({
          ...(caller ? { caller } : {}),
          ...(config.keys.auth ? { keys: { keys: [config.keys.auth] } } : {}),
          unavailable: (extras) => serviceAuthErrors.HTTP_SERVICE_AUTH_UNAVAILABLE(extras),
        }),
      );
    },
    identity: createIdentityVerifier({ publicKey: config.keys.identity, audience: config.service }),
    credentials: (audience) => (tokens ? credentialsOf(tokens, audience) : undefined),
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
    instanceTokens.close();
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
        ...credentialsFor(app.tokens ?? tokens, 'registry'),
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
    app.warm?.().catch((error: unknown) => telemetry.warn('warm-up failed', { error }));
  } catch (error) {
    // A configuration the app refused exits like one parseServiceConfig refused: one line, code 2.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    fatal(error);
  }
}

function credentialsFor(tokens: ServiceTokenSource | undefined, audience: string) {
  return tokens ? { credentials: credentialsOf(tokens, audience) } : {};
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

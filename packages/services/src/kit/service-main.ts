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
  /**
   * Runs first on shutdown, before the lease ends: from here on what the shutdown itself causes
   * (the bus or cache stopping beside this instance) is not an outage to warn about.
   */
  stopping?(): void;
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
  const config = readConfigOrExit();
  // Spans reach the supervisor within 5 ms (well inside the trace collector's 20 ms settle), many per message under load.
  const telemetry = createTelemetry({ service: config.service, instanceId: config.instanceId, channel, level: config.logLevel, spanBatchMs: 5 });
  const fatal = reportProcessFailures(config, telemetry);
  const { deps, instanceTokens } = createServiceDeps(config, telemetry, channel, options.startTimeoutMs ?? 10_000);
  const instance: RunningInstance = { lease: undefined, app: undefined };
  let stopping = false;
  shutdown = (reason) => {
    if (stopping) return;
    stopping = true;
    void stopInstance(instance, reason, { deps, options, close: () => instanceTokens.close() });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // A terminal's Ctrl-C reaches the whole process group; under a supervisor, it decides the
  // stop order (dependents first, registry last), so the instance waits for its SIGTERM.
  if (channel.connected) process.on('SIGINT', () => undefined);
  else process.once('SIGINT', () => shutdown('SIGINT'));

  try {
    const app = (instance.app = await create(deps));
    const address = await listen(app, config, telemetry);
    instance.lease = await registerLease(app, address, deps, instanceTokens.source, options.startTimeoutMs ?? 10_000);
    const ownCommands = app.onCommand;
    channel.onCommand((command, args) => {
      if (command === 'lease.pause') return instance.lease?.pause();
      if (command === 'lease.resume') return instance.lease?.start();
      if (ownCommands) return ownCommands(command, args);
      throw new Error(`${config.service} does not understand the command ${command}`);
    });
    if (stopping) return;
    const endpoints = app.endpoints?.();
    channel.send({ type: 'ready', instanceId: config.instanceId, address, pid: process.pid, ...(endpoints ? { endpoints } : {}) });
    telemetry.info('ready', { address: `${address.host}:${address.port}` });
    app.warm?.().catch((error: unknown) => telemetry.warn('warm-up failed', { error }));
  } catch (error) {
    // A configuration the app refused exits like one parseServiceConfig refused: one line, code 2.
    if (error instanceof ConfigError) exitWithConfigError(error);
    fatal(error);
  }
}

/** The app and lease of this instance, once they exist. */
interface RunningInstance {
  lease: Lease | undefined;
  app: ServiceApp | undefined;
}

/** The instance's configuration; a bad one exits with code 2 and one line. */
function readConfigOrExit(): ServiceConfig {
  try {
    return parseServiceConfig();
  } catch (error) {
    return exitWithConfigError(error as Error);
  }
}

function exitWithConfigError(error: Error): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

/** Node warnings become events; an uncaught error is logged, flushed and ends the process (code 1). Answers that handler. */
function reportProcessFailures(config: ServiceConfig, telemetry: Telemetry): (error: unknown) => void {
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
  return fatal;
}

/** What `create` gets: the HTTP client, catalogs, the service caller with this instance's tokens, the guard, the identity verifier. */
function createServiceDeps(config: ServiceConfig, telemetry: Telemetry, channel: ParentChannel, catalogTimeoutMs: number): { deps: ServiceDeps; instanceTokens: ReturnType<typeof createInstanceTokens> } {
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
  const instanceTokens = createInstanceTokens({ config, http, createCatalog, catalogTimeoutMs });
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
  return { deps, instanceTokens };
}

/** Listens on the configured loopback address and runs the app's `start`; answers the address bound. */
async function listen(app: ServiceApp, config: ServiceConfig, telemetry: Telemetry): Promise<{ host: string; port: number }> {
  app.server.listen(config.port, config.host);
  await once(app.server, 'listening');
  const { address: host, port } = app.server.address() as AddressInfo;
  telemetry.setAddress(`${host}:${port}`);
  await app.start?.({ host, port });
  return { host, port };
}

/** Registers the app's routes with the registry and starts heartbeating; no lease for an app without routes or registry. */
async function registerLease(app: ServiceApp, address: { host: string; port: number }, deps: ServiceDeps, tokens: ServiceTokenSource | undefined, timeoutMs: number): Promise<Lease | undefined> {
  const { config, http, telemetry } = deps;
  if (!app.routes || !config.registryUrl) return undefined;
  const lease = createLease({
    registryUrl: config.registryUrl,
    heartbeatMs: config.heartbeatMs,
    http,
    telemetry,
    registration: { service: config.service, instanceId: config.instanceId, host: config.advertiseHost ?? address.host, port: address.port, routes: app.routes, pid: process.pid },
    ...credentialsFor(app.tokens ?? tokens, 'registry'),
  });
  await lease.register(Date.now() + timeoutMs);
  lease.start();
  return lease;
}

/** Deregisters, drains open connections (less when the supervisor is gone), closes the app and exits 0. */
async function stopInstance(instance: RunningInstance, reason: string, context: { deps: ServiceDeps; options: RunServiceOptions; close: () => void }): Promise<void> {
  const { channel, telemetry, http } = context.deps;
  const { app, lease } = instance;
  telemetry.state('stopping', reason);
  app?.stopping?.();
  const orphaned = !channel.connected && process.send !== undefined;
  const drainMs = orphaned ? (context.options.orphanDrainMs ?? 200) : (context.options.drainMs ?? 1000);
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
  context.close();
  http.close();
  telemetry.flush();
  process.exit(0);
}

function credentialsFor(tokens: ServiceTokenSource | undefined, audience: string) {
  return tokens ? { credentials: credentialsOf(tokens, audience) } : {};
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

import { Option, type Command } from 'commander';
import { parseNonNegativeInteger, parsePort, parsePositiveInteger, parseReplicas } from '../options.js';
import { authModeNames, busBackendNames, cacheBackendNames, defaultLimitSettings, discoveryModeNames, lbBackendNames } from '@topolab/runtime/cli-facts';
import type { AuthModeName, DiscoveryModeName, ServiceName, TimingsPreset, TopologyBackends, TopologyOptions } from '@topolab/runtime';
import type { BackendOptions } from '@topolab/runtime/backends';

/** `--data-dir DIR`, shared by every command that finds a running topology. */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory of the topology (databases, logs, control file)').default('.topolab');
}

/** `--timings compressed|realistic`. */
export function timingsOption(): Option {
  return new Option('--timings <preset>', 'compressed: 250 ms heartbeats for labs; realistic: Eureka defaults (30 s heartbeat, 90 s lease)')
    .choices(['compressed', 'realistic'])
    .default('compressed');
}

/** `--discovery client|server`; `fallback` is the default (none for `topolab mode`, where omitting it keeps the mode). */
export function discoveryOption(fallback?: string): Option {
  const option = new Option('--discovery <mode>', 'discovery mode: client (the gateway picks an instance from its cached registry) or server (through the lb)').choices(discoveryModeNames);
  return fallback === undefined ? option : option.default(fallback);
}

/** `--auth remote|local|global|sidecar`. */
export function authOption(fallback?: string): Option {
  const option = new Option('--auth <mode>', 'auth mode: remote (ask auth every time), local (JWT + in-process cache), global (shared cache), sidecar').choices(authModeNames);
  return fallback === undefined ? option : option.default(fallback);
}

/** `--rate-limit`, `--burst`, `--blacklist`: the gateways' limiter (defaults in the help, from the gateway's own). */
export function limitOptions(): { rateLimit: Option; burst: Option; blacklist: Option } {
  return {
    rateLimit: new Option('--rate-limit <rps>', 'token-bucket refill per client address and per user, requests per second (0: off)').argParser(parseNonNegativeInteger).default(defaultLimitSettings.rateLimitRps),
    burst: new Option('--burst <n>', 'token-bucket size: requests allowed at once').argParser(parsePositiveInteger).default(defaultLimitSettings.rateLimitBurst),
    blacklist: new Option('--blacklist <n>', `401/429 answers in ${defaultLimitSettings.blacklistWindowMs / 1000} s after which a client address is blocked for ${defaultLimitSettings.blacklistBlockMs / 1000} s (0: off)`).argParser(parseNonNegativeInteger).default(defaultLimitSettings.blacklistThreshold),
  };
}

/** The values of limitOptions as the runtime's limit settings. */
export function limitsFrom(options: { rateLimit: number; burst: number; blacklist: number }): { rateLimitRps: number; rateLimitBurst: number; blacklistThreshold: number } {
  return { rateLimitRps: options.rateLimit, rateLimitBurst: options.burst, blacklistThreshold: options.blacklist };
}

/** The flags of backendOptions as commander hands them over. */
export interface BackendFlags {
  cache: TopologyBackends['cache'];
  bus: TopologyBackends['bus'];
  lb: TopologyBackends['lb'];
  redisUrl?: string;
}

/** `--cache`, `--bus`, `--lb` and `--redis-url`: what backs the swappable parts (embedded by default). */
export function backendOptions(): { cache: Option; bus: Option; lb: Option; redisUrl: Option } {
  return {
    cache: new Option('--cache <backend>', 'global cache: embedded (a Node service) or redis (a real Redis: a supervised redis-server, or REDIS_URL)').choices(cacheBackendNames).default('embedded'),
    bus: new Option('--bus <backend>', 'message bus: embedded or redis (Redis Streams)').choices(busBackendNames).default('embedded'),
    lb: new Option('--lb <backend>', 'server-side load balancer: embedded (a Node service) or nginx (upstreams rendered from the registry on every change)').choices(lbBackendNames).default('embedded'),
    redisUrl: new Option('--redis-url <url>', 'use this Redis for --cache/--bus redis instead of starting redis-server').env('REDIS_URL'),
  };
}

/** The values of backendOptions as the runtime's backend options. */
export function backendsFrom(flags: BackendFlags): BackendOptions {
  const onRedis = flags.cache === 'redis' || flags.bus === 'redis';
  return { cache: flags.cache, bus: flags.bus, lb: flags.lb, ...(onRedis && flags.redisUrl ? { redisUrl: flags.redisUrl } : {}) };
}

/** The flags of addEdgeOptions as commander hands them over. */
export interface EdgeFlags {
  /** False with `--no-tls`. */
  tls: boolean;
  httpsPort?: number;
  dnsPort?: number;
}

/**
 * Adds `-p/--port`, `--https-port`, `--no-tls`, `--dns-port` (how the edge meets clients; with
 * `--port 0` the other ports default to 0 too: a throwaway topology) and `--replicas`.
 */
export function addEdgeOptions(command: Command, fallbackPorts: { http: number; https: number; dns: number }): Command {
  const zeroToo = fallbackPorts.http === 0 ? '' : ', 0 with --port 0';
  return command
    .addOption(new Option('-p, --port <port>', 'plain-HTTP port of the gateways: answers 308 to HTTPS (serves directly with --no-tls); 0 picks a free one').argParser(parsePort).default(fallbackPorts.http))
    .addOption(new Option('--https-port <port>', `HTTPS port of the gateways, certificate from a local CA in <data-dir>/tls (default ${fallbackPorts.https}${zeroToo})`).argParser(parsePort))
    .addOption(new Option('--no-tls', 'plain HTTP only, no certificate (e.g. to compare with a plain-HTTP baseline)'))
    .addOption(new Option('--dns-port <port>', `port of dns#1, authoritative for topolab.test, UDP and TCP (default ${fallbackPorts.dns}${zeroToo})`).argParser(parsePort))
    .addOption(replicasOption());
}

/** The values of addEdgeOptions as topology options (`fallbackPorts` as given to addEdgeOptions). */
export function edgeFrom(flags: EdgeFlags & { port: number }, fallbackPorts: { https: number; dns: number }): { gatewayPort: number; tls: boolean; httpsPort: number; dnsPort: number } {
  const pick = (given: number | undefined, fallback: number) => given ?? (flags.port === 0 ? 0 : fallback);
  return { gatewayPort: flags.port, tls: flags.tls, httpsPort: pick(flags.httpsPort, fallbackPorts.https), dnsPort: pick(flags.dnsPort, fallbackPorts.dns) };
}

/** `--start-timeout MS`: how long each instance may take to report ready (a slow or loaded machine needs more). */
export function startTimeoutOption(): Option {
  return new Option('--start-timeout <ms>', 'how long each instance may take to report ready before the start fails (SUPERVISOR_START_TIMEOUT)').argParser(parsePositiveInteger).default(10_000);
}

/** `--replicas service=n`, repeatable or comma-separated. */
export function replicasOption(): Option {
  return new Option('--replicas <service=n>', 'instances of a service, repeatable or comma-separated').argParser(parseReplicas).default({}, 'profile=2, chat=2, every other service 1');
}

/** The flags of replicasOption and addTopologyShapeOptions as commander hands them over. */
export interface TopologyShapeFlags extends BackendFlags {
  replicas: Record<string, number>;
  timings: TimingsPreset;
  discovery: DiscoveryModeName;
  auth: AuthModeName;
  rateLimit: number;
  burst: number;
  blacklist: number;
}

/**
 * Adds the options that shape a topology (up, demo, export): timings, modes, the gateways'
 * limits and the cache, bus and lb backends.
 */
export function addTopologyShapeOptions(command: Command): Command {
  const limits = limitOptions();
  const backends = backendOptions();
  for (const option of [timingsOption(), discoveryOption('client'), authOption('remote'), limits.rateLimit, limits.burst, limits.blacklist, backends.cache, backends.bus, backends.lb]) command.addOption(option);
  return command;
}

/** What TopologyShapeFlags set of the runtime's topology options. */
export type TopologyShape = Pick<TopologyOptions, 'replicas' | 'timings' | 'modes' | 'limits' | 'backends'>;

/** The values of replicasOption and addTopologyShapeOptions as the runtime's topology options. */
export function topologyShapeFrom(flags: TopologyShapeFlags): TopologyShape {
  return {
    replicas: flags.replicas as Partial<Record<ServiceName, number>>,
    timings: flags.timings,
    modes: { discovery: flags.discovery, auth: flags.auth },
    limits: limitsFrom(flags),
    backends: backendsFrom(flags),
  };
}

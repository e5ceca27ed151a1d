import { resolve } from 'node:path';
import { serviceManifest, timingsPresets, type LogLevel, type ServiceName, type ServiceSpec, type Timings, type TimingsPreset, type LimitSettings } from '@topolab/services/contract';
import { findPrograms, normalizeBackends, selectServices, type BackendOptions, type NormalizedBackends } from '../backends/topology-backends.js';
import { runtimeError } from '../errors/error-codes.js';
import { defaultGatewayHost, defaultGatewayPort, defaultHttpsPort, gatewayPortOf } from './addresses.js';
import type { Topology } from './topology.js';
import type { TopologyEventListener } from './topology-events.js';
import { validateLimits } from './topology-limits.js';
import { allowsNoAuth, validateModes, type TopologyModes } from './topology-modes.js';

/** Options of startTopology. */
export interface TopologyOptions {
  /** Where databases, logs and control.json live (`.topolab/` for `topolab up`, a temp dir for scenarios). */
  readonly dataDir: string;
  /** Wipe what topolab keeps in dataDir (databases, logs, control file) before starting. @default false */
  readonly fresh?: boolean;
  /** The gateway's public port; 0 picks a free one. @default 8080 */
  readonly gatewayPort?: number;
  /**
   * The host gateway #1 binds. Where every 127.x address is loopback (Linux) and this is one,
   * gateway #n (n ≥ 2) binds 127.0.2.n on the same ports, so DNS lists one A record per gateway;
   * elsewhere gateway #n takes port `gatewayPort + n - 1` on this host. @default '127.0.0.1'
   */
  readonly gatewayHost?: string;
  /**
   * Serve HTTPS with a certificate from a local CA kept in `<dataDir>/tls` (issued at the
   * first start, reused while valid); `gatewayPort` then only answers 308 to HTTPS.
   * @default false (plain HTTP on gatewayPort)
   */
  readonly tls?: boolean;
  /** The gateways' HTTPS port with `tls`. @default 8443, or 0 (a free one) when gatewayPort is 0 */
  readonly httpsPort?: number;
  /** The port dns#1 answers on (UDP and TCP). @default 0 (a free one) */
  readonly dnsPort?: number;
  /**
   * Instances per service (1..9). The registry runs one; a colocated service (a sidecar)
   * follows its host's count. Gateway #n listens on `gatewayPort + n - 1`.
   * @default each service's defaultReplicas
   */
  readonly replicas?: Partial<Record<ServiceName, number>>;
  /** The discovery and auth modes every gateway starts with; switch later with `topology.setModes`. @default { discovery: 'client', auth: 'remote' } */
  readonly modes?: Partial<TopologyModes>;
  /** The gateways' rate limiter and blacklist. @default 50 req/s, burst 100; 20 answers 401/429 in 10 s block a client for 30 s */
  readonly limits?: Partial<LimitSettings>;
  /** @default 'compressed' */
  readonly timings?: TimingsPreset;
  /** How long each instance may take to report ready. @default 10000 */
  readonly startTimeoutMs?: number;
  /** @default 'info' */
  readonly logLevel?: LogLevel;
  /** Time between SIGTERM and SIGKILL when stopping. @default 3000 */
  readonly graceMs?: number;
  /** Extra variables for every instance, e.g. `{ TOPOLAB_DISCOVERY_MODE: 'server' }`. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives every topology event, from the first spawn on. */
  readonly onEvent?: TopologyEventListener;
  /**
   * Runs once every instance is ready and dns#1 answers, before `topology.ready` is emitted and
   * startTopology resolves: for what clients need besides the instances (`topolab up` serves the
   * control API and writes control.json here). If it throws, the topology is stopped and
   * startTopology throws that. @default none
   */
  readonly beforeReady?: (topology: Topology) => Promise<void>;
  /** The services to run; tests pass fixture services. @default serviceManifest */
  readonly manifest?: readonly ServiceSpec[];
  /**
   * What backs the global cache, the bus and the lb: `embedded` services, or real Redis
   * (`cache`/`bus`: `redis`, a supervised redis-server unless `redisUrl`) and nginx (`lb`).
   * @default every part embedded
   */
  readonly backends?: BackendOptions;
  /**
   * Runs the Node instances of these services under `node --cpu-prof`: each writes a V8 CPU
   * profile, `<dir>/<service>-<n>.cpuprofile`, when it exits (`topolab bench --cpu-prof`).
   * @default none
   */
  readonly cpuProfile?: CpuProfileOptions;
}

/** Which services run under `node --cpu-prof`, and where their profiles go. */
export interface CpuProfileOptions {
  /** An existing directory. */
  readonly dir: string;
  readonly services: readonly string[];
}

/** TopologyOptions with every default filled in and every value checked. */
export interface NormalizedTopologyOptions {
  readonly dataDir: string;
  readonly fresh: boolean;
  readonly gatewayPort: number;
  readonly gatewayHost: string;
  readonly tls: boolean;
  readonly httpsPort: number;
  readonly dnsPort: number;
  readonly replicas: Readonly<Record<string, number>>;
  /** The modes the gateways start with. */
  readonly modes: TopologyModes;
  /** The gateways' rate limiter and blacklist. */
  readonly limits: LimitSettings;
  readonly timingsPreset: TimingsPreset;
  readonly timings: Timings;
  readonly startTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly graceMs: number;
  readonly env: Readonly<Record<string, string>>;
  /** The services that run with these backends. */
  readonly manifest: readonly ServiceSpec[];
  readonly backends: NormalizedBackends;
  /** The binary of each program service (redis-server, nginx). */
  readonly programs: ReadonlyMap<string, string>;
  readonly cpuProfile: CpuProfileOptions | undefined;
}

/** Services that run exactly one instance (their manifest entry's `singleton`). */
export const singletonServices: readonly string[] = serviceManifest.filter((spec) => spec.singleton).map((spec) => spec.name);
const logLevels: readonly string[] = ['debug', 'info', 'warn', 'error'];

const invalid = (message: string) => runtimeError('CONFIG_INVALID', { message });

/**
 * Fills defaults and validates once (CONFIG_INVALID, TOPOLOGY_INVALID_REPLICAS,
 * TOPOLOGY_INVALID_BACKEND, TOPOLOGY_BACKEND_MISSING when a program is not installed, unless
 * `check.programs` is false); the result is frozen.
 */
export function normalizeTopologyOptions(options: TopologyOptions, check: { readonly programs?: boolean } = {}): NormalizedTopologyOptions {
  if (typeof options.dataDir !== 'string' || options.dataDir.trim() === '') throw invalid('Expected the `dataDir` option to be a non-empty path.');
  const gatewayPort = validatePort('gatewayPort', options.gatewayPort ?? defaultGatewayPort);
  const httpsPort = validatePort('httpsPort', options.httpsPort ?? (gatewayPort === 0 ? 0 : defaultHttpsPort));
  const dnsPort = validatePort('dnsPort', options.dnsPort ?? 0);
  const tls = options.tls ?? false;
  if (tls && gatewayPort !== 0 && gatewayPort === httpsPort) throw invalid(`The HTTP and HTTPS ports must differ, got ${gatewayPort} for both.`);
  const timingsPreset = options.timings ?? 'compressed';
  if (!Object.hasOwn(timingsPresets, timingsPreset)) throw invalid(`Expected the \`timings\` option to be compressed or realistic, got ${String(timingsPreset)}.`);
  const startTimeoutMs = validatePositive('startTimeoutMs', options.startTimeoutMs ?? 10_000);
  const graceMs = validatePositive('graceMs', options.graceMs ?? 3000);
  const logLevel = options.logLevel ?? 'info';
  if (!logLevels.includes(logLevel)) throw invalid(`Expected the \`logLevel\` option to be one of ${logLevels.join(', ')}, got ${String(logLevel)}.`);
  const env = options.env ?? {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw invalid(`Expected the variable ${name} of the \`env\` option to be a string.`);
  }
  const backends = normalizeBackends(options.backends);
  const manifest = selectServices(options.manifest ?? serviceManifest, backends);
  const replicas = validateReplicas(options.replicas ?? {}, manifest);
  validateGatewayPorts(gatewayPort, replicas.gateway ?? 0);
  return Object.freeze({
    dataDir: resolve(options.dataDir),
    fresh: options.fresh ?? false,
    gatewayPort,
    gatewayHost: options.gatewayHost ?? defaultGatewayHost,
    tls,
    httpsPort,
    dnsPort,
    replicas: Object.freeze(replicas),
    modes: validateModes(options.modes ?? {}, undefined, { noAuth: allowsNoAuth(env) }),
    limits: validateLimits(options.limits ?? {}),
    timingsPreset,
    timings: timingsPresets[timingsPreset],
    startTimeoutMs,
    logLevel,
    graceMs,
    env: Object.freeze({ ...env }),
    manifest,
    backends,
    // An export runs redis and nginx from their images: this machine need not have them.
    programs: check.programs === false ? new Map<string, string>() : findPrograms(manifest),
    cpuProfile: validateCpuProfile(options.cpuProfile, manifest),
  });
}

function validateCpuProfile(cpuProfile: CpuProfileOptions | undefined, manifest: readonly ServiceSpec[]): CpuProfileOptions | undefined {
  if (cpuProfile === undefined) return undefined;
  if (typeof cpuProfile.dir !== 'string' || cpuProfile.dir.trim() === '') throw invalid('Expected `cpuProfile.dir` to be a non-empty path.');
  for (const name of cpuProfile.services) {
    const spec = manifest.find((candidate) => candidate.name === name);
    if (!spec || spec.program) throw invalid(`Expected \`cpuProfile.services\` to name Node services of the topology, got ${String(name).slice(0, 40)}.`);
  }
  return Object.freeze({ dir: resolve(cpuProfile.dir), services: Object.freeze([...cpuProfile.services]) });
}

/**
 * Checks replica counts (integer 1..9, the registry at 1, known services) and fills the
 * defaults; a colocated service takes its host's count (naming another count is an error).
 */
export function validateReplicas(replicas: Partial<Record<string, number>>, manifest: readonly ServiceSpec[] = serviceManifest): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of Object.keys(replicas)) {
    if (!manifest.some((spec) => spec.name === name)) {
      throw runtimeError('TOPOLOGY_INVALID_REPLICAS', { message: `Unknown service ${name} in the replica counts.`, details: { service: name } });
    }
  }
  for (const spec of manifest) {
    const count = replicas[spec.name] ?? spec.defaultReplicas;
    if (!Number.isInteger(count) || count < 1 || count > 9) {
      throw runtimeError('TOPOLOGY_INVALID_REPLICAS', { message: `Expected the replicas of ${spec.name} to be an integer from 1 to 9, got ${String(count)}.`, details: { service: spec.name, replicas: count } });
    }
    if (spec.singleton && count !== 1) {
      throw runtimeError('TOPOLOGY_INVALID_REPLICAS', { message: `${spec.name} runs exactly one instance, got ${count}.`, details: { service: spec.name, replicas: count } });
    }
    result[spec.name] = count;
  }
  for (const spec of manifest) {
    const host = spec.colocatedWith;
    if (host === undefined || result[host] === undefined) continue;
    const named = replicas[spec.name];
    if (named !== undefined && named !== result[host]) {
      throw runtimeError('TOPOLOGY_INVALID_REPLICAS', {
        message: `${spec.name} runs one instance beside each ${host} instance (${result[host]}), got ${named}.`,
        hint: `Set the replicas of ${host} instead.`,
        details: { service: spec.name, replicas: named },
      });
    }
    result[spec.name] = result[host];
  }
  return result;
}

/** Checks that every gateway's public port (consecutive from `gatewayPort`) exists. */
export function validateGatewayPorts(gatewayPort: number, gateways: number): void {
  const last = gatewayPortOf(Math.max(gateways, 1), gatewayPort);
  if (last > 65535) {
    throw runtimeError('TOPOLOGY_INVALID_REPLICAS', {
      message: `Gateway #${gateways} would listen on port ${last}, above 65535.`,
      hint: 'Pick a lower `--port`, or 0 to let the OS choose.',
      details: { service: 'gateway', replicas: gateways },
    });
  }
}

function validatePort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`Expected the \`${name}\` option to be an integer from 0 to 65535, got ${String(port)}.`);
  return port;
}

function validatePositive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw invalid(`Expected the \`${name}\` option to be a positive integer, got ${String(value)}.`);
  return value;
}

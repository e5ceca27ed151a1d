import { envNames, type LimitSettings, type LogLevel, type ServiceSpec, type Timings } from '@topolab/services/contract';
import { limitsEnv } from './topology-limits.js';
import { modesEnv, type TopologyModes } from './topology-modes.js';

/** What every instance of a topology is told besides its own name and address. */
export interface InstanceEnvOptions {
  /** `http://127.0.1.1:41234`; omitted for the registry itself. */
  readonly registryUrl: string | undefined;
  readonly dataDir: string;
  readonly timings: Timings;
  readonly logLevel: LogLevel;
  /** Extra variables (modes); they cannot override the ones set here. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The `TOPOLAB_*` variables shared by the instances of a topology. The supervisor adds
 * service, instance id, host and port per instance.
 */
export function buildInstanceEnv(options: InstanceEnvOptions): Record<string, string> {
  const { timings } = options;
  return {
    ...options.extra,
    ...(options.registryUrl ? { [envNames.registryUrl]: options.registryUrl } : {}),
    [envNames.dataDir]: options.dataDir,
    [envNames.heartbeatMs]: String(timings.heartbeatMs),
    [envNames.missedHeartbeats]: String(timings.missedHeartbeats),
    [envNames.sweepIntervalMs]: String(timings.sweepIntervalMs),
    [envNames.catalogRefreshMs]: String(timings.catalogRefreshMs),
    [envNames.clientBodyTimeoutMs]: String(timings.clientBodyTimeoutMs),
    [envNames.logLevel]: options.logLevel,
  };
}

/**
 * The topology-wide variables a service's manifest entry asks for (`launchEnv`): the limits
 * and the modes in force (the gateways). `nginx` comes with the program plan, which knows
 * where nginx listens.
 */
export function launchEnvOf(spec: Pick<ServiceSpec, 'launchEnv'>, topology: { readonly limits: LimitSettings; readonly modes: TopologyModes }): Record<string, string> {
  const wanted = new Set(spec.launchEnv);
  return { ...(wanted.has('limits') ? limitsEnv(topology.limits) : {}), ...(wanted.has('modes') ? modesEnv(topology.modes) : {}) };
}

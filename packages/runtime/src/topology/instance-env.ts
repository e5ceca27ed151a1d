import { envNames, type LogLevel, type Timings } from '@topolab/services/contract';

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

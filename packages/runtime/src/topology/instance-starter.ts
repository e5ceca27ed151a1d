import type { ServiceSpec } from '@topolab/services/contract';
import { isTopolabError } from '../errors/topolab-error.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { nodeChildSpawner } from '../supervisor/child-process.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { formatHttpUrl, planAddress } from './addresses.js';
import { colocatedUrlEnvName, colocatedWith } from './colocation.js';
import { instanceLogFile } from './data-dir.js';
import type { EdgePlan } from './edge-plan.js';
import { buildInstanceEnv, launchEnvOf } from './instance-env.js';
import { createListeners, type PlannedListen } from './listeners.js';
import { claimInUse, portInUse } from './port-check.js';
import type { ProgramPlan } from './program-instances.js';
import type { NormalizedTopologyOptions } from './topology-options.js';
import type { TopologyModes } from './topology-modes.js';
import type { TopologySecrets } from './topology-secrets.js';

/** What createInstanceStarter needs. */
export interface InstanceStarterOptions {
  readonly options: NormalizedTopologyOptions;
  readonly supervisor: Supervisor;
  /** The registry's URL once it runs; '' before (and for the registry itself). */
  readonly registryUrl: () => string;
  /** The modes in force now: a gateway started later (restart, scale) starts in them. */
  readonly modes: () => TopologyModes;
  /** Addresses, backend variables and launches of the real servers (redis-server, nginx). */
  readonly programs: ProgramPlan;
  /** The gateways' listeners (shared ports, TLS files). */
  readonly edge: EdgePlan;
  /** The topology's keys and credentials: each Node instance gets its own as files (topology-secrets.ts). */
  readonly secrets: TopologySecrets;
}

/**
 * Starts instance `index` of `spec` on its planned address (or on `port`, to come back where
 * others expect it) and resolves once it is ready.
 */
export type StartInstanceOf = (spec: ServiceSpec, index: number, port?: number) => Promise<InstanceInfo>;

/**
 * Creates the function that starts one instance with the topology's address plan and
 * environment: registry URL, timings, backends (the Redis URL), the modes (gateways), and the
 * URL of each companion instance with the same index (`TOPOLAB_SIDECAR_URL`), starting a
 * missing companion first. A program (redis-server, nginx) runs on the address planned for it
 * once, through its own spawner.
 */
export function createInstanceStarter(starter: InstanceStarterOptions): StartInstanceOf {
  const { options, supervisor, programs } = starter;
  const listeners = createListeners(options, starter.edge);

  async function companionEnv(spec: ServiceSpec, index: number): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const companion of colocatedWith(options.manifest, spec.name)) {
      const running = supervisor.get(`${companion.name}#${index}`);
      const info = running && isLiveState(running.state) ? running : await start(companion, index);
      env[colocatedUrlEnvName(companion.name)] = formatHttpUrl(info.host, info.port);
    }
    return env;
  }

  async function addressOf(spec: ServiceSpec, index: number): Promise<PlannedListen> {
    if (spec.program) return programs.addressOf(spec, index);
    if (spec.listener) return listeners[spec.listener].addressOf(spec, index);
    return planAddress({ spec, index });
  }

  /** Variables only some services read: their manifest's `launchEnv` (the gateways' limits and modes), and their listener's (the edge's, dns's port). */
  async function serviceEnv(spec: ServiceSpec, planned: PlannedListen): Promise<Record<string, string>> {
    const launch = launchEnvOf(spec, { limits: options.limits, modes: starter.modes() });
    return spec.listener ? { ...launch, ...(await listeners[spec.listener].env(planned)) } : launch;
  }

  /** Each Node instance's credentials and keys, as files (its client secret, platform tokens, the secrets its manifest entry names) and public keys. */
  function credentialsEnv(spec: ServiceSpec, index: number): Record<string, string> {
    return spec.program ? {} : starter.secrets.instanceEnv(spec, index);
  }

  /** A Node instance of a profiled service runs under `node --cpu-prof` (options.cpuProfile). */
  function profiledSpawn(spec: ServiceSpec, index: number) {
    const profile = options.cpuProfile;
    if (!profile?.services.includes(spec.name)) return {};
    return { spawn: nodeChildSpawner(['--cpu-prof', `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${spec.name}-${index}.cpuprofile`]) };
  }

  async function start(spec: ServiceSpec, index: number, pinnedPort?: number): Promise<InstanceInfo> {
    const listener = spec.listener ? listeners[spec.listener] : undefined;
    let planned: PlannedListen;
    try {
      planned = await addressOf(spec, index);
    } catch (error) {
      listener?.failed(error);
      throw error;
    }
    const { host } = planned;
    const port = pinnedPort ?? planned.port;
    const registryUrl = spec.isRegistry ? '' : starter.registryUrl();
    const env = buildInstanceEnv({
      registryUrl: registryUrl || undefined,
      dataDir: options.dataDir,
      timings: options.timings,
      logLevel: options.logLevel,
      extra: {
        ...options.env,
        ...(await programs.envFor(spec)),
        ...(await serviceEnv(spec, planned)),
        ...(await companionEnv(spec, index)),
        ...credentialsEnv(spec, index),
      },
    });
    try {
      const spawn = spec.program ? { spawn: await programs.spawnerOf(spec, index, { host, port }, registryUrl) } : profiledSpawn(spec, index);
      const info = await supervisor.startInstance({ spec, index, host, port, env, logFile: instanceLogFile(options.dataDir, spec.name, index), ...spawn });
      listener?.started(info);
      return info;
    } catch (error) {
      listener?.failed(error);
      // A pinned port can be taken between the pre-check and the instance's bind: the same error, without the child's stack.
      const taken = isTopolabError(error) ? claimInUse(listener?.pinnedClaims({ ...planned, port }, index) ?? [], error.lastLines) : undefined;
      if (taken) throw portInUse(taken, error);
      throw error;
    }
  }

  return start;
}

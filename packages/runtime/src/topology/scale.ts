import type { ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { colocatedWith } from './colocation.js';
import { validateGatewayPorts } from './topology-options.js';

/** Which indexes to start and stop to go from the running ones to `replicas`. */
export interface ScalePlan {
  /** The lowest free indexes, ascending. */
  readonly start: readonly number[];
  /** The highest running indexes, descending. */
  readonly stop: readonly number[];
}

/** Plans a scale: up fills the lowest free indexes, down stops the highest running ones first. */
export function planScale(running: readonly number[], replicas: number): ScalePlan {
  const live = [...new Set(running)].sort((a, b) => a - b);
  if (live.length > replicas) return { start: [], stop: live.slice(replicas).reverse() };
  const start: number[] = [];
  for (let index = 1; start.length < replicas - live.length; index += 1) {
    if (!live.includes(index)) start.push(index);
  }
  return { start, stop: [] };
}

/** What a scale did. */
export interface ScaleResult {
  readonly service: string;
  /** Running instances before. */
  readonly previous: number;
  /** Running instances now. */
  readonly replicas: number;
  /** Instance ids started, companions (sidecars) included. */
  readonly started: readonly string[];
  /** Instance ids stopped, companions included. */
  readonly stopped: readonly string[];
}

/** What scaleService needs. */
export interface ScaleServiceOptions {
  readonly supervisor: Supervisor;
  readonly manifest: readonly ServiceSpec[];
  readonly gatewayPort: number;
  readonly graceMs: number;
  readonly start: (spec: ServiceSpec, index: number) => Promise<InstanceInfo>;
}

/**
 * Starts or stops instances of `service` until `replicas` (1..9) run; a service's companions
 * (the gateway's sidecars) follow it: started before their host, stopped after it. The
 * registry and companion services themselves cannot be scaled (TOPOLOGY_NOT_SCALABLE).
 */
export async function scaleService(options: ScaleServiceOptions, service: string, replicas: number): Promise<ScaleResult> {
  const { supervisor } = options;
  const spec = options.manifest.find((candidate) => candidate.name === service);
  if (!spec) throw runtimeError('TOPOLOGY_UNKNOWN_SERVICE', { message: `This topology has no service ${service}.`, details: { service } });
  if (spec.singleton) throw runtimeError('TOPOLOGY_NOT_SCALABLE', { message: `${service} runs exactly one instance.`, details: { service } });
  if (spec.colocatedWith !== undefined) {
    throw runtimeError('TOPOLOGY_NOT_SCALABLE', { message: `${service} runs one instance beside each ${spec.colocatedWith} instance.`, hint: `Scale ${spec.colocatedWith} instead.`, details: { service } });
  }
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
    throw runtimeError('TOPOLOGY_INVALID_REPLICAS', { message: `Expected the replicas of ${service} to be an integer from 1 to 9, got ${String(replicas)}.`, details: { service, replicas } });
  }
  if (spec.listener === 'edge') validateGatewayPorts(options.gatewayPort, replicas);

  const running = supervisor.list().filter((info) => info.service === service && isLiveState(info.state)).map((info) => info.index);
  const plan = planScale(running, replicas);
  const companions = colocatedWith(options.manifest, service);
  const started: string[] = [];
  const stopped: string[] = [];
  for (const index of plan.stop) {
    for (const name of [service, ...companions.map((companion) => companion.name)]) {
      const id = `${name}#${index}`;
      const info = supervisor.get(id);
      if (!info || !isLiveState(info.state)) continue;
      await supervisor.stopInstance(id, { graceMs: options.graceMs });
      stopped.push(id);
    }
  }
  for (const index of plan.start) {
    const before = new Set(supervisor.list().filter((info) => isLiveState(info.state)).map((info) => info.id));
    await options.start(spec, index);
    for (const info of supervisor.list()) if (isLiveState(info.state) && !before.has(info.id)) started.push(info.id);
  }
  return { service, previous: running.length, replicas, started, stopped };
}

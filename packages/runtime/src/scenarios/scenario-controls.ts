import { randomUUID } from 'node:crypto';
import { identityAssertionHeader, type Catalog, type ServiceName } from '@topolab/services/contract';
import { sendHttpRequest } from '../client/http-request.js';
import { runtimeError } from '../errors/error-codes.js';
import { readEvents } from '../events/read-events.js';
import { formatHttpUrl } from '../topology/addresses.js';
import type { Topology } from '../topology/topology.js';
import { formatModes } from '../topology/topology-modes.js';
import type { ScenarioControls, ScenarioEvent } from './dsl.js';

/** What the controls need: the topology, and narration for what they did. */
export interface ScenarioControlsOptions {
  readonly topology: Pick<Topology, 'fault' | 'scale' | 'setModes' | 'modes' | 'instances' | 'registryUrl' | 'serviceToken' | 'assertIdentity' | 'dataDir'> & {
    /** The instances' events of this run so far, by name. */
    readonly events: (name: string) => readonly ScenarioEvent[];
  };
  /** Adds a line under the current step (`kill profile#2 · SIGKILL: pid 4242 is gone`). */
  readonly note: (text: string) => void;
}

/** Instance ids in the registry's catalog now (`GET /v1/catalog`), of one service or all. */
async function readRegistered(registryUrl: string, service?: ServiceName): Promise<string[]> {
  const answer = await sendHttpRequest({ url: new URL('/v1/catalog', registryUrl), timeoutMs: 2000 });
  if (answer.status !== 200) throw runtimeError('CONTROL_UPSTREAM_FAILED', { message: `The registry answered ${answer.status} to GET /v1/catalog.`, details: { status: answer.status } });
  const services = (answer.body as Catalog).services;
  const records = service === undefined ? Object.values(services).flat() : (services[service] ?? []);
  return records.map((record) => record.instanceId).sort();
}

/** Creates `ctx.topology`: faults, scaling and modes of the running topology, each narrated. */
export function createScenarioControls(options: ScenarioControlsOptions): ScenarioControls {
  const { topology, note } = options;
  const fault: ScenarioControls['fault'] = async (action, instanceId) => {
    const result = await topology.fault(action, instanceId);
    note(`${result.action} ${result.instanceId} · ${result.detail}`);
  };
  const assertIdentity: ScenarioControls['assertIdentity'] = (userId, service) =>
    topology.assertIdentity({ sub: userId, audience: service, tokenJti: randomUUID(), tokenExp: Math.floor(Date.now() / 1000) + 60 });
  const controls: ScenarioControls = {
    fault,
    kill: (id) => fault('kill', id),
    pause: (id) => fault('pause', id),
    resume: (id) => fault('resume', id),
    restart: (id) => fault('restart', id),
    zombie: (id, on = true) => fault(on ? 'zombie' : 'unzombie', id),
    async scale(service, replicas) {
      const result = await topology.scale(service, replicas);
      const changes = [...result.started.map((id) => `started ${id}`), ...result.stopped.map((id) => `stopped ${id}`)];
      note(`scale ${service} ${result.previous} → ${result.replicas}${changes.length > 0 ? ` · ${changes.join(', ')}` : ''}`);
    },
    async setModes(change) {
      const before = topology.modes();
      const modes = await topology.setModes(change);
      note(`modes: ${formatModes(modes)} (was ${formatModes(before)})`);
      return modes;
    },
    modes: () => topology.modes(),
    registered: (service) => readRegistered(topology.registryUrl, service),
    serviceToken: (audience) => topology.serviceToken(audience),
    dataDir: topology.dataDir,
    events: (name) => topology.events(name),
    assertIdentity,
    instances: () =>
      topology.instances().map((instance) => ({
        id: instance.id,
        service: instance.service,
        state: instance.state,
        host: instance.host,
        port: instance.port,
        pid: instance.pid,
        requests: instance.requests,
        errors: instance.errors,
        zombie: instance.zombie,
        registers: instance.registers,
      })),
    async request(instanceId, request = {}) {
      const instance = topology.instances().find((candidate) => candidate.id === instanceId);
      if (!instance) throw runtimeError('SUPERVISOR_UNKNOWN_INSTANCE', { message: `No instance is called ${instanceId}.`, details: { instanceId } });
      const headers = { ...request.headers };
      if (request.asUser !== undefined) headers[identityAssertionHeader] = await assertIdentity(request.asUser, instance.service as ServiceName);
      const url = `${formatHttpUrl(instance.host, instance.port)}${request.path ?? '/health'}`;
      return sendHttpRequest({ url, method: request.method, headers, body: request.body, timeoutMs: request.timeoutMs ?? 2000 });
    },
    domainEvents: (options) => readEvents(controls, options),
  };
  return controls;
}

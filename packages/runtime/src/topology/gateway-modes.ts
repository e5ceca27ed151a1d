import { modesSetCommand } from '@topolab/services/contract';
import type { Supervisor } from '../supervisor/supervisor.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { TopologyModes } from './topology-modes.js';

/** Options of switchGatewayModes. */
export interface SwitchGatewayModesOptions {
  readonly supervisor: Pick<Supervisor, 'list' | 'command'>;
  readonly target: TopologyModes;
  /** Sent back to every gateway when one refuses, so they do not stay split between modes. */
  readonly previous: TopologyModes;
  /** How long each gateway may take to answer. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Sends `modes.set` with the target modes to every live gateway instance and resolves when
 * all replied ok. If one refuses (or does not answer), every gateway is sent the previous
 * modes (a gateway already in them does nothing) and the first failure is thrown
 * (SUPERVISOR_COMMAND_FAILED with the gateway's reason, or SUPERVISOR_COMMAND_TIMEOUT).
 */
export async function switchGatewayModes(options: SwitchGatewayModesOptions): Promise<string[]> {
  const { supervisor, timeoutMs = 5000 } = options;
  const gateways = supervisor.list().filter((info) => info.service === 'gateway' && isLiveState(info.state));
  const send = async (id: string, modes: TopologyModes) => supervisor.command(id, modesSetCommand, { discovery: modes.discovery, auth: modes.auth }, { timeoutMs });
  const results = await Promise.allSettled(gateways.map((gateway) => send(gateway.id, options.target)));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (!failure) return gateways.map((gateway) => gateway.id);
  await Promise.allSettled(gateways.map((gateway) => send(gateway.id, options.previous)));
  throw failure.reason;
}

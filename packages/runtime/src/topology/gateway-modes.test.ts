import { describe, expect, it } from 'vitest';
import { runtimeError } from '../errors/error-codes.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { switchGatewayModes } from './gateway-modes.js';

const info = (id: string, state: InstanceInfo['state'] = 'ready') => ({ id, service: id.split('#')[0]!, state }) as InstanceInfo;

/** A supervisor whose gateways keep the modes they were told; `refuse` names a gateway that refuses the target. */
function fakeSupervisor(instances: InstanceInfo[], refuse?: { id: string; auth: string }) {
  const modes = new Map<string, Readonly<Record<string, unknown>>>();
  const sent: string[] = [];
  return {
    modes,
    sent,
    supervisor: {
      list: () => instances,
      async command(id: string, command: string, args: Readonly<Record<string, unknown>> = {}) {
        sent.push(`${id} ${command} ${String(args.discovery)}/${String(args.auth)}`);
        if (refuse?.id === id && args.auth === refuse.auth) throw runtimeError('SUPERVISOR_COMMAND_FAILED', { message: `${id} refused: not built yet` });
        modes.set(id, args);
        return args;
      },
    },
  };
}

const previous = { discovery: 'client', auth: 'remote' } as const;

describe('switchGatewayModes', () => {
  it('sends modes.set to every live gateway and nothing else', async () => {
    const fake = fakeSupervisor([info('registry#1'), info('gateway#1'), info('gateway#2', 'paused'), info('gateway#3', 'crashed'), info('profile#1')]);
    const switched = await switchGatewayModes({ supervisor: fake.supervisor, target: { discovery: 'server', auth: 'remote' }, previous });
    expect(switched).toEqual(['gateway#1', 'gateway#2']);
    expect(fake.sent.sort()).toEqual(['gateway#1 modes.set server/remote', 'gateway#2 modes.set server/remote']);
  });

  it('rolls every gateway back to the previous modes and throws the refusal', async () => {
    const fake = fakeSupervisor([info('gateway#1'), info('gateway#2')], { id: 'gateway#2', auth: 'local' });
    await expect(switchGatewayModes({ supervisor: fake.supervisor, target: { discovery: 'client', auth: 'local' }, previous })).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_FAILED' });
    expect(fake.modes.get('gateway#1')).toEqual(previous);
    expect(fake.modes.get('gateway#2')).toEqual(previous);
  });
});

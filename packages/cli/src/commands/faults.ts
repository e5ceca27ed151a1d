import type { Command } from 'commander';
import type { FaultAction } from '@topolab/runtime';
import { parseInstanceId } from '../options.js';
import { formatFault } from '../output/format.js';
import type { CommandContext } from '../program.js';
import { dataDirOption } from './shared-options.js';
import { controlClient } from './runtime.js';

/** One fault command: its action, what it does, and an example. */
interface FaultCommand {
  readonly action: Exclude<FaultAction, 'unzombie'>;
  readonly description: string;
  readonly example: string;
}

const faultCommands: readonly FaultCommand[] = [
  { action: 'kill', description: 'kill an instance with SIGKILL (a crash): the registry evicts it after missed heartbeats', example: 'topolab kill profile#2' },
  { action: 'stop', description: 'stop an instance cleanly (SIGTERM, SIGKILL after the grace period): it deregisters', example: 'topolab stop profile#2' },
  { action: 'pause', description: 'freeze an instance with SIGSTOP (a hung process): it answers nothing and misses heartbeats', example: 'topolab pause auth#1' },
  { action: 'resume', description: 'unfreeze a paused instance with SIGCONT', example: 'topolab resume auth#1' },
  { action: 'restart', description: 'stop an instance, then start the same one again (the registry, gateways and sidecars keep their address)', example: 'topolab restart profile#2' },
  { action: 'zombie', description: 'make an instance a zombie: it keeps serving but stops heartbeating, so the registry evicts it', example: 'topolab zombie profile#2   # and back: topolab zombie profile#2 --off' },
];

/** `topolab kill|stop|pause|resume|restart|zombie INSTANCE`: inject a fault into the running topology. */
export function registerFaultCommands(program: Command, ctx: CommandContext): void {
  for (const fault of faultCommands) {
    const command = program
      .command(fault.action)
      .description(fault.description)
      .argument('<instance>', 'instance id, e.g. profile#2 (see `topolab status`)', parseInstanceId)
      .addOption(dataDirOption())
      .addHelpText('after', `\nExamples:\n  $ ${fault.example}\n  $ topolab ${fault.action} gateway#1 --data-dir /tmp/lab`);
    if (fault.action === 'zombie') command.option('--off', 'undo: heartbeat again (the instance registers again)');
    command.action(async (instanceId: string, options: { dataDir: string; off?: boolean }) => {
      const action: FaultAction = fault.action === 'zombie' && options.off ? 'unzombie' : fault.action;
      const result = await (await controlClient(options.dataDir)).fault(action, instanceId);
      ctx.io.stdout.write(`✓ ${formatFault(result.action, result.instanceId, result.detail)}\n`);
    });
  }
}

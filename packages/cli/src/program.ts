import { Command, CommanderError } from 'commander';
import { registerAuthenticatorCommand } from './commands/authenticator.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEventsCommand } from './commands/events.js';
import { registerFaultCommands } from './commands/faults.js';
import { registerModeCommand } from './commands/mode.js';
import { registerPhoneCommand } from './commands/phone.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerExportCommand } from './commands/export.js';
import { registerRunCommand } from './commands/run.js';
import { registerScaleCommand } from './commands/scale.js';
import { registerScenariosCommand } from './commands/scenarios.js';
import { registerStatusCommand } from './commands/status.js';
import { registerUpCommand } from './commands/up.js';
import { processIo, type CliIo } from './io.js';
import { printError, printUsageError } from './output/print-error.js';

/** Builds the `topolab` program; commands resolve to an exit code instead of exiting. */
export function createProgram(io: CliIo, exit: { code: number }): Command {
  const program = new Command('topolab')
    .description('Run a realistic microservice topology on one machine: see, break and measure service discovery and auth caching.')
    .option('--verbose', 'print stacks of errors')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors look like every other error: ✖ CLI_USAGE, the message, the hint.
      outputError: (text) => printUsageError(io, text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ topolab demo                     start a topology, register and log in with SMS 2FA, stop
  $ topolab up --replicas profile=3  run the topology with a live dashboard
  $ topolab status                   from another terminal: what runs where
  $ topolab authenticator ada        the code of ada's authenticator app (TOTP login)
  $ topolab kill profile#2           break something and watch the registry evict it
  $ topolab events --follow          watch an account deletion reach every service
  $ topolab mode --auth local        switch every gateway's auth mode at run time
  $ topolab scenarios                list the built-in scenarios
  $ topolab run --matrix             run every scenario in every mode it allows
  $ topolab bench --html bench.html  measure what each discovery and auth mode costs`,
    );
  const context = { io, exit, verbose: () => Boolean(program.opts().verbose) };
  registerUpCommand(program, context);
  registerDemoCommand(program, context);
  registerScenariosCommand(program, context);
  registerRunCommand(program, context);
  registerStatusCommand(program, context);
  registerPhoneCommand(program, context);
  registerDashboardCommand(program, context);
  registerExportCommand(program, context);
  registerAuthenticatorCommand(program, context);
  registerEventsCommand(program, context);
  registerModeCommand(program, context);
  registerFaultCommands(program, context);
  registerScaleCommand(program, context);
  registerBenchCommand(program, context);
  return program;
}

/** What every command gets from the program. */
export interface CommandContext {
  readonly io: CliIo;
  /** The exit code the CLI ends with; a command sets it. */
  readonly exit: { code: number };
  readonly verbose: () => boolean;
}

/** Runs the CLI on `argv` (without node and script) and answers the exit code: 0 ok, 1 failed, 2 usage, 3 environment. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const exit = { code: 0 };
  const program = createProgram(io, exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    return printError(io, error, Boolean(program.opts().verbose));
  }
}

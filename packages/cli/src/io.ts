/** Where the CLI writes, injectable so tests can capture output. */
export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  /** Whether stdout is an interactive terminal (then `up` and `demo` may draw with ink). */
  readonly interactive: boolean;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb' && !process.env.CI,
  };
}

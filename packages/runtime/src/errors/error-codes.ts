import { isTopolabError, TopolabError, type ExitCode } from './topolab-error.js';

/** How one runtime error code behaves. */
export interface RuntimeErrorDefinition {
  /** Exit code of the CLI when this error ends it. */
  readonly exitCode: ExitCode;
  /** HTTP status when the control API answers with this code. */
  readonly status: number;
  /** Default one-line message; callers usually pass one built from data. */
  readonly message: string;
  readonly hint?: string;
}

/** One row of the runtime's table: exit code, HTTP status, message and, where there is something to do, hint. */
type RuntimeErrorRow = readonly [exitCode: ExitCode, status: number, message: string, hint?: string];

/**
 * Every error code the runtime raises, in one table, a row per code (each one is listed in
 * docs/errors.md; `errors.test.ts` checks that).
 */
const runtimeErrorRows = {
  SUPERVISOR_ENTRY_MISSING: [3, 500, 'The compiled entry of a service does not exist.', 'Build first: `npx tsc -b`.'],
  SUPERVISOR_START_TIMEOUT: [3, 500, 'An instance did not report ready in time.', 'Read the last log lines and the instance log; on a slow or busy machine raise it with `--start-timeout <ms>` (default 10000).'],
  SUPERVISOR_START_FAILED: [3, 500, 'An instance exited before it was ready.', 'Read the last log lines and the instance log.'],
  SUPERVISOR_INSTANCE_EXISTS: [2, 409, 'An instance with this id is already running.', 'Stop it first, or pick another index.'],
  SUPERVISOR_UNKNOWN_INSTANCE: [2, 404, 'No instance has this id.', 'Run `topolab status` to list the instances.'],
  SUPERVISOR_NOT_RUNNING: [2, 409, 'The instance is not running.', 'Run `topolab status` to see its state.'],
  SUPERVISOR_COMMAND_TIMEOUT: [3, 504, 'An instance did not answer a command in time.', 'It may be paused or overloaded.'],
  SUPERVISOR_COMMAND_FAILED: [1, 502, 'An instance refused a command.'],
  TOPOLOGY_PORT_IN_USE: [3, 500, 'A port the topology binds is already in use.', 'Stop whatever listens there, or pick another port with the flag that sets it: `--port`, `--https-port` or `--dns-port` (0 picks a free one).'],
  TOPOLOGY_INVALID_REPLICAS: [2, 400, 'Invalid replica count.', 'Use a whole number from 1 to 9; the registry runs one instance and a sidecar follows its gateway.'],
  TOPOLOGY_INVALID_BACKEND: [2, 400, 'Unknown backend.', 'Cache and bus: embedded or redis; lb: embedded or nginx.'],
  TOPOLOGY_BACKEND_MISSING: [3, 500, 'A backend program is not installed.', 'Install it (Debian/Ubuntu: sudo apt-get install -y redis-server nginx), or run without the backend flag.'],
  TOPOLOGY_BACKEND_UNREACHABLE: [3, 503, 'The external Redis does not answer.', 'Start it, or fix `--redis-url` / REDIS_URL (redis://user:password@host:port); without one, topolab runs its own redis-server.'],
  TOPOLOGY_INVALID_MODE: [2, 400, 'Unknown discovery or auth mode.', 'Discovery: client or server; auth: remote, local, global or sidecar.'],
  TOPOLOGY_UNKNOWN_SERVICE: [2, 404, 'The topology has no such service.', 'Run `topolab status` to list the services.'],
  TOPOLOGY_NOT_SCALABLE: [2, 409, 'This service cannot be scaled.', 'The registry, redis, nginx and nginx-sync run one instance; a sidecar follows its gateway (scale the gateway).'],
  TOPOLOGY_FAULT_UNSUPPORTED: [2, 409, 'This fault does not apply to this instance.', 'Only instances with a registry lease can be made zombies (nginx through the lease nginx-sync keeps for it); the registry, redis and nginx-sync hold none: kill, pause or stop them instead.'],
  TOPOLOGY_DATA_DIR_BUSY: [3, 409, 'Another topology is running in this data directory.', 'Stop it (Ctrl-C in the terminal running `topolab up`; `topolab status` shows it) or use another `--data-dir`.'],
  TOPOLOGY_DATA_DIR_INSECURE: [3, 500, 'The data directory can be read by other users of this machine.', 'Make it private with `chmod 700 <dir>` (the message names the dir), or use another `--data-dir`.'],
  TOPOLOGY_STOPPED: [2, 409, 'The topology has been stopped.'],
  TRACE_TIMEOUT: [1, 504, 'The spans of a request did not all arrive in time.', 'Check that the request went through the gateway of this topology.'],
  CLIENT_UNREACHABLE: [3, 502, 'The gateway could not be reached.', 'Is the topology running? Check the gateway URL.'],
  CLIENT_TIMEOUT: [1, 504, 'The gateway did not answer in time.'],
  CLIENT_TLS_UNTRUSTED: [3, 502, 'The gateway\'s certificate was not trusted.', 'Trust the topology\'s CA: `topolab status` shows its path (curl --cacert PATH), or start with --no-tls.'],
  CLIENT_DNS_TIMEOUT: [3, 504, 'The topology\'s DNS server did not answer.', 'Is dns#1 running? `topolab status` shows it; `dig @ADDR -p PORT www.topolab.test` asks it directly.'],
  CLIENT_DNS_NO_ADDRESS: [3, 503, 'The name has no address in the topology\'s DNS.', 'No gateway is registered (all stopped or evicted); `topolab status` shows them.'],
  CLIENT_WEBSOCKET_REFUSED: [1, 502, 'The WebSocket handshake was refused.', 'The answer\'s status and error code say why: 401 needs a valid access token, 404 an existing route, 503 a live instance.'],
  CLIENT_WEBSOCKET_TIMEOUT: [1, 504, 'No WebSocket frame as awaited arrived in time.', 'Check the frames received so far (in the message) and the chat instance logs.'],
  CLIENT_WEBSOCKET_CLOSED: [1, 502, 'The WebSocket closed while a frame was awaited.', 'The close code and reason say why (4401: the access token was revoked or expired; 1009: a frame too large).'],
  CONTROL_NOT_RUNNING: [3, 503, 'No topology is running in this data directory.', 'Start it with `topolab up`.'],
  CONTROL_UNAUTHORIZED: [3, 401, 'The control API refused the token.', 'Use the token of the running topology (its control.json); restart `topolab up` if the file is stale.'],
  CONTROL_UNREACHABLE: [3, 502, 'The control API could not be reached.', 'The topology may have died; start it again with `topolab up`.'],
  CONTROL_NOT_FOUND: [2, 404, 'No such control route.'],
  CONTROL_INVALID_REQUEST: [2, 400, 'The control request is invalid.'],
  CONTROL_METHOD_NOT_ALLOWED: [2, 405, 'The control route does not take this method.', 'See the Allow header.'],
  CONTROL_UNSUPPORTED_MEDIA_TYPE: [2, 415, 'The control request body must be JSON.', 'Set Content-Type: application/json.'],
  CONTROL_PHONE_UNAVAILABLE: [3, 503, 'No SMS instance is ready to read messages from.', 'Check `topolab status`; restart the sms instance.'],
  CONTROL_AUTHENTICATOR_UNAVAILABLE: [3, 503, 'No auth instance is ready to read an authenticator code from.', 'Check `topolab status`; restart an auth instance.'],
  CONTROL_EVENTS_UNAVAILABLE: [3, 503, 'No auth instance is ready to read the event log from.', 'Check `topolab status`; restart an auth instance.'],
  CONTROL_FORBIDDEN_ORIGIN: [3, 403, 'The control API refused a change sent from another origin.', 'Use the dashboard page the topology serves, or send the bearer token from control.json.'],
  CONTROL_DASHBOARD_UNAVAILABLE: [3, 503, 'The web dashboard is not built.', 'Run `npx pnpm@10 build` (it builds packages/web), then open the dashboard link again.'],
  CONTROL_UPSTREAM_FAILED: [3, 502, 'An instance behind the control API did not answer.', 'Check `topolab status` and the instance log.'],
  BENCH_WRK_MISSING: [3, 500, 'The load generator wrk is not installed.', 'Install it (Debian/Ubuntu: sudo apt-get install wrk), or run without `--load wrk`: autocannon, in the bench process, needs nothing.'],
  DEMO_STEP_FAILED: [1, 500, 'A demo step got an unexpected answer.', 'Read the answer shown and the instance logs under the data dir.'],
  SCENARIO_NOT_FOUND: [2, 404, 'No scenario has this name, or the file does not exist.', 'Run `topolab scenarios` to list the built-in ones, or give the path of a .ts, .js or .mjs file.'],
  SCENARIO_INVALID: [2, 400, 'A scenario file does not load or does not export a scenario.', "Write `export default defineScenario({ name, summary, run })` with defineScenario imported from 'topolab'."],
  SCENARIO_ASSERTION_FAILED: [1, 500, 'An expectation of a scenario did not hold.'],
  SCENARIO_WAIT_TIMEOUT: [1, 504, 'A condition a scenario waited for did not hold in time.'],
  SCENARIO_TIMEOUT: [1, 504, 'A scenario did not finish in time.', 'Raise its `timeoutMs`, or look for a step that waits on something that never happens.'],
  SCENARIO_USER_FLOW_FAILED: [1, 502, 'Signing a user up or in through the gateway got an unexpected answer.', 'Run again with --keep-data and read the auth and sms logs.'],
  SCENARIO_STOPPED: [1, 409, 'The scenario has already failed or ended; no more steps run.'],
  CLI_USAGE: [2, 400, 'The command line is not valid.', 'Add --help to the command for its options and examples.'],
  CONFIG_INVALID: [2, 400, 'Invalid configuration.'],
  INTERNAL: [1, 500, 'Something went wrong inside topolab.', 'Run again with `--verbose` and report the stack.'],
} as const satisfies Record<string, RuntimeErrorRow>;

/** One code of the runtime's table. */
export type RuntimeErrorCode = keyof typeof runtimeErrorRows;

/** The runtime's table as definitions, by code. */
export const runtimeErrorCodes: Readonly<Record<RuntimeErrorCode, RuntimeErrorDefinition>> = Object.freeze(
  Object.fromEntries(
    Object.entries(runtimeErrorRows).map(([code, [exitCode, status, message, hint]]: [string, RuntimeErrorRow]) => [
      code,
      hint === undefined ? { exitCode, status, message } : { exitCode, status, message, hint },
    ]),
  ) as Record<RuntimeErrorCode, RuntimeErrorDefinition>,
);

/** What a caller may add when raising a runtime error. */
export interface RuntimeErrorExtras {
  /** Replaces the table's message; build it from data, never include a secret. */
  readonly message?: string;
  /** Replaces the table's hint. */
  readonly hint?: string;
  readonly cause?: unknown;
  readonly lastLines?: readonly string[];
  readonly details?: Readonly<Record<string, unknown>>;
  /** Extra headers of the control API's answer (`Allow`, `Connection: close`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds the TopolabError of a runtime code, with the table's exit code and hint. */
export function runtimeError(code: RuntimeErrorCode, extras: RuntimeErrorExtras = {}): TopolabError {
  const definition: RuntimeErrorDefinition = runtimeErrorCodes[code];
  return new TopolabError(code, extras.message ?? definition.message, {
    hint: extras.hint ?? definition.hint,
    exitCode: definition.exitCode,
    cause: extras.cause,
    lastLines: extras.lastLines,
    details: extras.details,
    headers: extras.headers,
  });
}

/** Whether `code` is in the runtime's table. */
export function isRuntimeErrorCode(code: string): code is RuntimeErrorCode {
  return Object.hasOwn(runtimeErrorCodes, code);
}

/**
 * Turns anything thrown into a TopolabError: TopolabErrors pass through, errors carrying
 * `code: 'CONFIG_INVALID'` (the kit's ConfigError) become CONFIG_INVALID, the rest INTERNAL
 * with the original as `cause` (so `--verbose` can print its stack).
 */
export function toTopolabError(error: unknown): TopolabError {
  if (isTopolabError(error)) return error;
  if ((error as { code?: unknown } | null)?.code === 'CONFIG_INVALID') {
    return runtimeError('CONFIG_INVALID', { message: (error as Error).message, cause: error });
  }
  return runtimeError('INTERNAL', { cause: error });
}

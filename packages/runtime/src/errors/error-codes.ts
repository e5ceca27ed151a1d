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

/**
 * Every error code the runtime raises, in one table (each one is listed in docs/errors.md;
 * `errors.test.ts` checks that).
 */
export const runtimeErrorCodes = Object.freeze({
  SUPERVISOR_ENTRY_MISSING: { exitCode: 3, status: 500, message: 'The compiled entry of a service does not exist.', hint: 'Build first: `npx tsc -b`.' },
  SUPERVISOR_START_TIMEOUT: { exitCode: 3, status: 500, message: 'An instance did not report ready in time.', hint: 'Read the last log lines and the instance log; on a slow or busy machine raise it with `--start-timeout <ms>` (default 10000).' },
  SUPERVISOR_START_FAILED: { exitCode: 3, status: 500, message: 'An instance exited before it was ready.', hint: 'Read the last log lines and the instance log.' },
  SUPERVISOR_INSTANCE_EXISTS: { exitCode: 2, status: 409, message: 'An instance with this id is already running.', hint: 'Stop it first, or pick another index.' },
  SUPERVISOR_UNKNOWN_INSTANCE: { exitCode: 2, status: 404, message: 'No instance has this id.', hint: 'Run `topolab status` to list the instances.' },
  SUPERVISOR_NOT_RUNNING: { exitCode: 2, status: 409, message: 'The instance is not running.', hint: 'Run `topolab status` to see its state.' },
  SUPERVISOR_COMMAND_TIMEOUT: { exitCode: 3, status: 504, message: 'An instance did not answer a command in time.', hint: 'It may be paused or overloaded.' },
  SUPERVISOR_COMMAND_FAILED: { exitCode: 1, status: 502, message: 'An instance refused a command.' },
  TOPOLOGY_PORT_IN_USE: { exitCode: 3, status: 500, message: 'A port the topology binds is already in use.', hint: 'Stop whatever listens there, or pick another port with the flag that sets it: `--port`, `--https-port` or `--dns-port` (0 picks a free one).' },
  TOPOLOGY_INVALID_REPLICAS: { exitCode: 2, status: 400, message: 'Invalid replica count.', hint: 'Use a whole number from 1 to 9; the registry runs one instance and a sidecar follows its gateway.' },
  TOPOLOGY_INVALID_BACKEND: { exitCode: 2, status: 400, message: 'Unknown backend.', hint: 'Cache and bus: embedded or redis; lb: embedded or nginx.' },
  TOPOLOGY_BACKEND_MISSING: { exitCode: 3, status: 500, message: 'A backend program is not installed.', hint: 'Install it (Debian/Ubuntu: sudo apt-get install -y redis-server nginx), or run without the backend flag.' },
  TOPOLOGY_BACKEND_UNREACHABLE: { exitCode: 3, status: 503, message: 'The external Redis does not answer.', hint: 'Start it, or fix `--redis-url` / REDIS_URL (redis://user:password@host:port); without one, topolab runs its own redis-server.' },
  TOPOLOGY_INVALID_MODE: { exitCode: 2, status: 400, message: 'Unknown discovery or auth mode.', hint: 'Discovery: client or server; auth: remote, local, global or sidecar.' },
  TOPOLOGY_UNKNOWN_SERVICE: { exitCode: 2, status: 404, message: 'The topology has no such service.', hint: 'Run `topolab status` to list the services.' },
  TOPOLOGY_NOT_SCALABLE: { exitCode: 2, status: 409, message: 'This service cannot be scaled.', hint: 'The registry, redis, nginx and nginx-sync run one instance; a sidecar follows its gateway (scale the gateway).' },
  TOPOLOGY_FAULT_UNSUPPORTED: { exitCode: 2, status: 409, message: 'This fault does not apply to this instance.', hint: 'Only instances with a registry lease can be made zombies (nginx through the lease nginx-sync keeps for it); the registry, redis and nginx-sync hold none: kill, pause or stop them instead.' },
  TOPOLOGY_DATA_DIR_BUSY: { exitCode: 3, status: 409, message: 'Another topology is running in this data directory.', hint: 'Stop it (Ctrl-C in the terminal running `topolab up`; `topolab status` shows it) or use another `--data-dir`.' },
  TOPOLOGY_DATA_DIR_INSECURE: { exitCode: 3, status: 500, message: 'The data directory can be read by other users of this machine.', hint: 'Make it private with `chmod 700 <dir>` (the message names the dir), or use another `--data-dir`.' },
  TOPOLOGY_STOPPED: { exitCode: 2, status: 409, message: 'The topology has been stopped.' },
  TRACE_TIMEOUT: { exitCode: 1, status: 504, message: 'The spans of a request did not all arrive in time.', hint: 'Check that the request went through the gateway of this topology.' },
  CLIENT_UNREACHABLE: { exitCode: 3, status: 502, message: 'The gateway could not be reached.', hint: 'Is the topology running? Check the gateway URL.' },
  CLIENT_TIMEOUT: { exitCode: 1, status: 504, message: 'The gateway did not answer in time.' },
  CLIENT_TLS_UNTRUSTED: { exitCode: 3, status: 502, message: 'The gateway\'s certificate was not trusted.', hint: 'Trust the topology\'s CA: `topolab status` shows its path (curl --cacert PATH), or start with --no-tls.' },
  CLIENT_DNS_TIMEOUT: { exitCode: 3, status: 504, message: 'The topology\'s DNS server did not answer.', hint: 'Is dns#1 running? `topolab status` shows it; `dig @ADDR -p PORT www.topolab.test` asks it directly.' },
  CLIENT_DNS_NO_ADDRESS: { exitCode: 3, status: 503, message: 'The name has no address in the topology\'s DNS.', hint: 'No gateway is registered (all stopped or evicted); `topolab status` shows them.' },
  CLIENT_WEBSOCKET_REFUSED: { exitCode: 1, status: 502, message: 'The WebSocket handshake was refused.', hint: 'The answer\'s status and error code say why: 401 needs a valid access token, 404 an existing route, 503 a live instance.' },
  CLIENT_WEBSOCKET_TIMEOUT: { exitCode: 1, status: 504, message: 'No WebSocket frame as awaited arrived in time.', hint: 'Check the frames received so far (in the message) and the chat instance logs.' },
  CLIENT_WEBSOCKET_CLOSED: { exitCode: 1, status: 502, message: 'The WebSocket closed while a frame was awaited.', hint: 'The close code and reason say why (4401: the access token was revoked or expired; 1009: a frame too large).' },
  CONTROL_NOT_RUNNING: { exitCode: 3, status: 503, message: 'No topology is running in this data directory.', hint: 'Start it with `topolab up`.' },
  CONTROL_UNAUTHORIZED: { exitCode: 3, status: 401, message: 'The control API refused the token.', hint: 'Use the token of the running topology (its control.json); restart `topolab up` if the file is stale.' },
  CONTROL_UNREACHABLE: { exitCode: 3, status: 502, message: 'The control API could not be reached.', hint: 'The topology may have died; start it again with `topolab up`.' },
  CONTROL_NOT_FOUND: { exitCode: 2, status: 404, message: 'No such control route.' },
  CONTROL_INVALID_REQUEST: { exitCode: 2, status: 400, message: 'The control request is invalid.' },
  CONTROL_METHOD_NOT_ALLOWED: { exitCode: 2, status: 405, message: 'The control route does not take this method.', hint: 'See the Allow header.' },
  CONTROL_UNSUPPORTED_MEDIA_TYPE: { exitCode: 2, status: 415, message: 'The control request body must be JSON.', hint: 'Set Content-Type: application/json.' },
  CONTROL_PHONE_UNAVAILABLE: { exitCode: 3, status: 503, message: 'No SMS instance is ready to read messages from.', hint: 'Check `topolab status`; restart the sms instance.' },
  CONTROL_AUTHENTICATOR_UNAVAILABLE: { exitCode: 3, status: 503, message: 'No auth instance is ready to read an authenticator code from.', hint: 'Check `topolab status`; restart an auth instance.' },
  CONTROL_EVENTS_UNAVAILABLE: { exitCode: 3, status: 503, message: 'No auth instance is ready to read the event log from.', hint: 'Check `topolab status`; restart an auth instance.' },
  CONTROL_FORBIDDEN_ORIGIN: { exitCode: 3, status: 403, message: 'The control API refused a change sent from another origin.', hint: 'Use the dashboard page the topology serves, or send the bearer token from control.json.' },
  CONTROL_DASHBOARD_UNAVAILABLE: { exitCode: 3, status: 503, message: 'The web dashboard is not built.', hint: 'Run `npx pnpm@10 build` (it builds packages/web), then open the dashboard link again.' },
  CONTROL_UPSTREAM_FAILED: { exitCode: 3, status: 502, message: 'An instance behind the control API did not answer.', hint: 'Check `topolab status` and the instance log.' },
  BENCH_WRK_MISSING: { exitCode: 3, status: 500, message: 'The load generator wrk is not installed.', hint: 'Install it (Debian/Ubuntu: sudo apt-get install wrk), or run without `--load wrk`: autocannon, in the bench process, needs nothing.' },
  DEMO_STEP_FAILED: { exitCode: 1, status: 500, message: 'A demo step got an unexpected answer.', hint: 'Read the answer shown and the instance logs under the data dir.' },
  SCENARIO_NOT_FOUND: { exitCode: 2, status: 404, message: 'No scenario has this name, or the file does not exist.', hint: 'Run `topolab scenarios` to list the built-in ones, or give the path of a .ts, .js or .mjs file.' },
  SCENARIO_INVALID: { exitCode: 2, status: 400, message: 'A scenario file does not load or does not export a scenario.', hint: "Write `export default defineScenario({ name, summary, run })` with defineScenario imported from 'topolab'." },
  SCENARIO_ASSERTION_FAILED: { exitCode: 1, status: 500, message: 'An expectation of a scenario did not hold.' },
  SCENARIO_WAIT_TIMEOUT: { exitCode: 1, status: 504, message: 'A condition a scenario waited for did not hold in time.' },
  SCENARIO_TIMEOUT: { exitCode: 1, status: 504, message: 'A scenario did not finish in time.', hint: 'Raise its `timeoutMs`, or look for a step that waits on something that never happens.' },
  SCENARIO_USER_FLOW_FAILED: { exitCode: 1, status: 502, message: 'Signing a user up or in through the gateway got an unexpected answer.', hint: 'Run again with --keep-data and read the auth and sms logs.' },
  SCENARIO_STOPPED: { exitCode: 1, status: 409, message: 'The scenario has already failed or ended; no more steps run.' },
  CLI_USAGE: { exitCode: 2, status: 400, message: 'The command line is not valid.', hint: 'Add --help to the command for its options and examples.' },
  CONFIG_INVALID: { exitCode: 2, status: 400, message: 'Invalid configuration.' },
  INTERNAL: { exitCode: 1, status: 500, message: 'Something went wrong inside topolab.', hint: 'Run again with `--verbose` and report the stack.' },
} as const satisfies Record<string, RuntimeErrorDefinition>);

/** One code of the runtime's table. */
export type RuntimeErrorCode = keyof typeof runtimeErrorCodes;

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

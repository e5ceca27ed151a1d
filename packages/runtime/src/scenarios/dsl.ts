import type { AuthModeName, DiscoveryModeName, LimitSettings, ServiceName, TimingsPreset, TopologyBackends, TopologyModes } from '@topolab/services/contract';
import type { GatewayRequest, GatewayResponse } from '../client/gateway-client.js';
import type { HttpResponse } from '../client/http-request.js';
import type { WebSocketClient } from '../client/websocket-client.js';
import type { PhoneMessage } from '../control/control-routes.js';
import type { ControlEvents } from '../events/event-status.js';
import type { ReadEventsOptions } from '../events/read-events.js';
import type { AuthenticatorCode } from '../phone/read-authenticator.js';
import type { Hop } from '../telemetry/trace-model/index.js';
import type { FaultAction } from '../topology/faults.js';
import type { TopologyEdge } from '../topology/topology.js';

/** The topology a scenario needs, on top of the defaults (ports are always OS-assigned). */
export interface ScenarioTopology {
  /** Instances per service, e.g. `{ profile: 3, gateway: 2 }`. */
  readonly replicas?: Partial<Record<ServiceName, number>>;
  /** @default 'compressed' */
  readonly timings?: TimingsPreset;
  /** The gateways' rate limiter and blacklist. @default off (scenarios drive traffic far faster than a person), unless a scenario names them */
  readonly limits?: Partial<LimitSettings>;
  /**
   * Backends the story needs whatever the run's (`{ cache: 'redis' }` for a Redis restart).
   * When the program is not installed the run is skipped, unless `topolab run --require-programs` (CI).
   * @default the run's backends (`topolab run --cache redis`), else every part embedded
   */
  readonly backends?: Partial<TopologyBackends>;
  /** HTTPS at the gateways with the topology's CA (and 308 on plain HTTP). @default the run's: on, unless `topolab run --no-tls` */
  readonly tls?: boolean;
  /**
   * Run on a topology of its own, and hand it on to no other run: for a story that leaves state
   * a later one would see (a trained spam filter, a locked account). Otherwise a topology of the
   * same shape and modes that an earlier run passed on and left unchanged (same instances and
   * pids, all ready, same modes) may be reused, so the story must not count on empty
   * databases: its users, mail and messages are its own. @default false
   */
  readonly fresh?: boolean;
}

/** The mode combinations a scenario fits; a missing list means every mode of that axis. */
export interface ScenarioModes {
  readonly discovery?: readonly DiscoveryModeName[];
  readonly auth?: readonly AuthModeName[];
}

/** What `defineScenario` takes: a readable story with assertions that can fail. */
export interface ScenarioDefinition {
  /** kebab-case, unique in a suite: `registration-2fa`. */
  readonly name: string;
  /** One sentence: what the scenario shows. */
  readonly summary: string;
  readonly topology?: ScenarioTopology;
  readonly modes?: ScenarioModes;
  /** Longest the scenario may run, start-up excluded. @default 60000 */
  readonly timeoutMs?: number;
  readonly run: (ctx: ScenarioContext) => Promise<void>;
}

/** A defined scenario: frozen, validated, recognisable by the runner. */
export interface Scenario extends ScenarioDefinition {
  readonly kind: 'topolab.scenario';
}

/** A person of the story: what `ctx.users.signUp()` created through the gateway. */
export interface ScenarioUser {
  readonly userId: string;
  readonly username: string;
  readonly password: string;
  readonly phone: string;
  readonly firstName: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** A gateway client whose requests inside a `step` are recorded with their hops. */
export interface ScenarioGateway {
  /** `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Sends one request through this gateway; any status resolves. */
  request<T = unknown>(request: GatewayRequest): Promise<GatewayResponse<T>>;
  get<T = unknown>(path: string, options?: { token?: string; headers?: Readonly<Record<string, string>> }): Promise<GatewayResponse<T>>;
  post<T = unknown>(path: string, body?: unknown, options?: { token?: string; headers?: Readonly<Record<string, string>> }): Promise<GatewayResponse<T>>;
  put<T = unknown>(path: string, body?: unknown, options?: { token?: string; headers?: Readonly<Record<string, string>> }): Promise<GatewayResponse<T>>;
}

/** Options of `ctx.websocket`. */
export interface ScenarioWebSocketOptions {
  /** Access token for the handshake. */
  readonly token?: string;
  /** `header` (`Authorization: Bearer`) or `subprotocol` (`bearer, <token>`, as a browser sends it). @default 'header' */
  readonly tokenVia?: 'header' | 'subprotocol';
  readonly headers?: Readonly<Record<string, string>>;
  /** The gateway to connect through. @default ctx.gateway */
  readonly gateway?: ScenarioGateway;
  /** How long the handshake may take. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * An open WebSocket of a scenario: `send(frame)` (objects as JSON), `next(predicate, { timeoutMs })`
 * to await a frame, `received`, `closed` (`{ code, reason }`) and `close()`.
 */
export type ScenarioWebSocket = WebSocketClient;

/** Users made through the real flows (register → SMS code → verify → login → SMS code → verify). */
export interface ScenarioUsers {
  /** A new user, registered, verified and logged in (via `ctx.gateway` unless another is given). */
  signUp(options?: { username?: string; firstName?: string; gateway?: ScenarioGateway }): Promise<ScenarioUser>;
  /** Logs an existing, verified user in again with 2FA; a fresh access and refresh token. */
  logIn(user: Pick<ScenarioUser, 'username' | 'password' | 'phone'>, options?: { gateway?: ScenarioGateway }): Promise<Pick<ScenarioUser, 'accessToken' | 'refreshToken'>>;
  /** A unique username, password, E.164 phone and first name, not yet registered. */
  fresh(options?: { username?: string; firstName?: string }): Pick<ScenarioUser, 'username' | 'password' | 'phone' | 'firstName'>;
}

/** The simulated phone: what the SMS service sent. */
export interface ScenarioPhone {
  /** Messages to `number`, newest first. */
  messages(number: string): Promise<readonly PhoneMessage[]>;
  /** The 6-digit code of the newest one-time-code SMS to `number` sent after `since` (epoch ms); waits up to `timeoutMs` (default 2000). */
  lastCode(number: string, options?: { since?: number; timeoutMs?: number }): Promise<string>;
  /**
   * The code the authenticator app of `username` shows now (TOTP, RFC 6238, after
   * `POST /auth/totp/enroll`), remembered as a secret. `offset` plays a phone whose clock is that
   * many 30-second steps ahead (negative: behind).
   */
  authenticator(username: string, options?: { offset?: number }): Promise<AuthenticatorCode>;
}

/** One instance as `ctx.topology.instances()` shows it. */
export interface ScenarioInstance {
  readonly id: string;
  readonly service: string;
  readonly state: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Requests it served (its server spans) since start. */
  readonly requests: number;
  /** Of those, answers with status 500 or above. */
  readonly errors: number;
  /** Serves but stopped heartbeating (`ctx.topology.zombie`). */
  readonly zombie: boolean;
  /** Keeps a lease in the registry (false for the registry itself, redis and nginx-sync, which the catalog never lists). */
  readonly registers: boolean;
}

/** Faults and controls of the running topology. */
export interface ScenarioControls {
  /** `kill`, `stop`, `pause`, `resume`, `restart`, `zombie`, `unzombie` one instance (`profile#2`). */
  fault(action: FaultAction, instanceId: string): Promise<void>;
  kill(instanceId: string): Promise<void>;
  pause(instanceId: string): Promise<void>;
  resume(instanceId: string): Promise<void>;
  restart(instanceId: string): Promise<void>;
  zombie(instanceId: string, on?: boolean): Promise<void>;
  /** Starts or stops instances of a service until `replicas` run. */
  scale(service: ServiceName, replicas: number): Promise<void>;
  /** Switches every gateway live. */
  setModes(change: Partial<TopologyModes>): Promise<TopologyModes>;
  /** The modes in force. */
  modes(): TopologyModes;
  /** Instance ids the registry's catalog lists now (for a service, or all). */
  registered(service?: ServiceName): Promise<readonly string[]>;
  /** Instances as the supervisor sees them (id, service, host, port, pid, state, requests, errors). */
  instances(): readonly ScenarioInstance[];
  /**
   * A service token of the runtime's own client (`control`) for `audience`'s internal routes,
   * from auth's client-credentials endpoint (RFC 6749 §4.4), as any instance gets one.
   */
  serviceToken(audience: string): Promise<string>;
  /**
   * An identity assertion for `userId` to `service`, signed by the runtime with the gateways' key
   * (contract/identity.ts), valid 60 s: what a gateway sends upstream, for a request made straight
   * to an instance as the gateway would make it (send it as `x-jwt-assertion`).
   */
  assertIdentity(userId: string, service: ServiceName): Promise<string>;
  /**
   * Where this run's topology keeps its files (databases, logs, `secrets/`): what a process of the
   * same user on the machine can read, so a story can play one (`zero-trust`).
   */
  readonly dataDir: string;
  /** The instances' events named `name` (`events.forged_rejected`) since this scenario began, oldest first. */
  events(name: string): readonly ScenarioEvent[];
  /**
   * Sends one request straight to an instance (`profile#1`), around the gateway and the registry;
   * any status resolves. SUPERVISOR_UNKNOWN_INSTANCE when no instance has that id.
   */
  request(instanceId: string, request?: InstanceRequest): Promise<InstanceResponse>;
  /** Auth's domain-event log and where each consumer stands with it, read as `topolab events` reads it (with the runtime's service tokens). */
  domainEvents(options?: ReadEventsOptions): Promise<ControlEvents>;
}

/** A request `ctx.topology.request` sends straight to one instance. */
export interface InstanceRequest {
  /** @default '/health' */
  readonly path?: string;
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Sends an identity assertion for this user id (`assertIdentity`), as a gateway forwards a request of theirs. */
  readonly asUser?: string;
  /** @default 2000 */
  readonly timeoutMs?: number;
}

/** An instance's answer: status, headers, and the body parsed when it is JSON. */
export type InstanceResponse = HttpResponse;

/** One event an instance reported (`sms.sent`, `events.forged_rejected`); its data holds no secret. */
export interface ScenarioEvent {
  readonly name: string;
  readonly instanceId: string;
  readonly service: string;
  /** Epoch ms the supervisor saw it. */
  readonly time: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Options of waitFor. */
export interface WaitForOptions {
  /** @default 5000 */
  readonly timeout?: number;
  /** Time between checks. @default 20 */
  readonly interval?: number;
  /** What is awaited, for the failure message. */
  readonly message?: string;
}

/** Assertions (`ctx.expect(value).toBe(…)`); a failed one fails the step and the scenario. */
export interface Expectation<T> {
  toBe(expected: T): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: Record<string, unknown>): void;
  toContain(item: unknown): void;
  toMatch(pattern: RegExp): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  toBeDefined(): void;
  toBeUndefined(): void;
  toHaveLength(n: number): void;
  /** Status and error code of a gateway answer: `expect(res).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID')`. */
  toHaveStatus(status: number, code?: string): void;
  readonly not: Omit<Expectation<T>, 'not'>;
}

/** Everything a scenario's `run` gets. */
export interface ScenarioContext {
  /** Runs one narrated step; every request made through `ctx.gateway(s)` inside it is recorded with its hops. */
  step<T>(title: string, fn: () => Promise<T> | T): Promise<T>;
  /** The topology's edge as a user meets it: `https://www.topolab.test:PORT`, resolved through dns#1 (the lookup is a request's first hop), trusting the topology's CA. */
  readonly gateway: ScenarioGateway;
  /** Every gateway by its own address, in order (gateway#2 at 127.0.2.2 on Linux). */
  readonly gateways: readonly ScenarioGateway[];
  /** The plain-HTTP listener of gateway#1, which answers 308 to HTTPS; undefined without TLS. Redirects are not followed. */
  readonly plainHttp: ScenarioGateway | undefined;
  /** URLs, CA and DNS server of the edge (see `Topology.edge`). */
  readonly edge: TopologyEdge;
  /**
   * Opens a WebSocket through a gateway (`ws:` from its `http:` URL, `wss:` from `https:`); the
   * handshake is recorded in the current step with its hops (`GET /chat/ws 101  gateway#1 → chat#2`).
   * A refused handshake rejects with CLIENT_WEBSOCKET_REFUSED, its status and code in `details`.
   * Sockets still open when the scenario ends are closed.
   */
  websocket(path: string, options?: ScenarioWebSocketOptions): Promise<ScenarioWebSocket>;
  readonly users: ScenarioUsers;
  readonly phone: ScenarioPhone;
  readonly topology: ScenarioControls;
  /** The modes this run started in. */
  readonly modes: TopologyModes;
  /** What backs the global cache, the bus and the lb in this run (`lb: 'nginx'`: the lb instance is `nginx#1`). */
  readonly backends: TopologyBackends;
  /** Waits until `condition` holds (truthy), checking every `interval`; fails the step after `timeout`. Resolves with the truthy value. */
  waitFor<T>(condition: () => T | Promise<T>, options?: WaitForOptions): Promise<NonNullable<T>>;
  expect<T>(actual: T): Expectation<T>;
  /** The hops of one answer of `ctx.gateway(s)` (waits up to a second for its spans): who served it, from which cache. */
  hops(response: { readonly traceId: string; readonly spanId: string }): Promise<readonly Hop[]>;
  /** Records a figure (reporters and bench show it): `measure('eviction', 612, 'ms')`. */
  measure(name: string, value: number, unit: string): void;
  /** A line of narration under the current step. */
  note(text: string): void;
  /** Sleeps; only for a story's pacing (prefer waitFor for conditions). */
  sleep(ms: number): Promise<void>;
}

/** One request a step made, with where it went. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly hops: readonly Hop[];
  /** The error code of the answer's body (`GATEWAY_TOKEN_INVALID`), or why no answer came (`CLIENT_UNREACHABLE`, status 0). */
  readonly code?: string;
}

const namePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a scenario (the default export of a `<name>.scenario.ts` file). Throws a
 * TypeError naming the field when the definition is malformed.
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  if (!namePattern.test(definition?.name ?? '')) throw new TypeError(`Expected the scenario name to be kebab-case, got ${JSON.stringify(definition?.name)}`);
  if (typeof definition.summary !== 'string' || definition.summary.trim() === '') throw new TypeError(`Expected scenario ${definition.name} to have a summary`);
  if (typeof definition.run !== 'function') throw new TypeError(`Expected scenario ${definition.name} to have a run function`);
  return Object.freeze({ ...definition, kind: 'topolab.scenario' as const });
}

/** Whether a module's default export is a scenario made by defineScenario. */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'topolab.scenario';
}

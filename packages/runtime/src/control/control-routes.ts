import { runtimeError } from '../errors/error-codes.js';
import type { Topology } from '../topology/topology.js';
import { requestAuthenticator } from '../phone/read-authenticator.js';
import { requestPhone } from '../phone/read-phone.js';
import { eventRoutes } from './event-routes.js';
import { faultRoutes } from './fault-routes.js';
import { modeRoutes } from './mode-routes.js';

/** What the control API needs of a topology (a fake one will do in tests). */
export type ControlTopology = Pick<
  Topology,
  'gatewayUrl' | 'gatewayUrls' | 'edge' | 'registryUrl' | 'dataDir' | 'timings' | 'timingsPreset' | 'readyMs' | 'instances' | 'modes' | 'setModes' | 'fault' | 'scale' | 'options' | 'serviceToken'
>;

/** One authorized request to the control API. */
export interface ControlRequest {
  readonly method: string;
  readonly path: string;
  /** Decoded `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (undefined for GET). */
  readonly body: unknown;
  readonly topology: ControlTopology;
}

/** An answer with a status other than 200 (a handler returns `new ControlReply(404, body)`). */
export class ControlReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** A route of the control API. Handlers return a JSON body (200) or a ControlReply, or throw a TopolabError. */
export interface ControlRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/v1/phone/:number`. */
  readonly path: string;
  handle(request: ControlRequest): unknown;
}

/** `GET /v1/status` answer. */
export interface ControlStatus {
  readonly gatewayUrl: string;
  /** Every running gateway instance. */
  readonly gatewayUrls: readonly string[];
  /** URL by name, redirect, CA file (no certificate or key material) and DNS server. */
  readonly edge: Omit<ControlTopology['edge'], 'tls'> & { readonly tls?: Omit<NonNullable<ControlTopology['edge']['tls']>, 'ca'> };
  readonly modes: ReturnType<ControlTopology['modes']>;
  /** The gateways' rate limiter and blacklist. */
  readonly limits: ControlTopology['options']['limits'];
  /** What backs the cache, the bus and the lb (an external Redis's URL left out: it may hold a password). */
  readonly backends: Pick<ControlTopology['options']['backends'], 'cache' | 'bus' | 'lb'>;
  readonly registryUrl: string;
  readonly dataDir: string;
  readonly timings: ControlTopology['timings'];
  readonly timingsPreset: ControlTopology['timingsPreset'];
  readonly readyMs: number;
  readonly instances: ReturnType<ControlTopology['instances']>;
}

/** One message an SMS instance sent. */
export interface PhoneMessage {
  readonly id: string | number;
  /** Epoch ms. */
  readonly time: number;
  /** Template: otp, welcome, warning, reminder. */
  readonly type: string;
  readonly to: string;
  readonly userId?: string;
  readonly text: string;
}

/** `GET /v1/phone/:number` answer. */
export interface PhoneMessages {
  readonly messages: readonly PhoneMessage[];
}

/** The edge without the CA's PEM (its path is enough, and shorter). */
function publicEdge(edge: ControlTopology['edge']): ControlStatus['edge'] {
  if (!edge.tls) return edge;
  const { ca: _pem, ...tls } = edge.tls;
  return { ...edge, tls };
}

const statusRoute: ControlRoute = {
  method: 'GET',
  path: '/v1/status',
  handle: ({ topology }): ControlStatus => ({
    gatewayUrl: topology.gatewayUrl,
    gatewayUrls: topology.gatewayUrls,
    edge: publicEdge(topology.edge),
    modes: topology.modes(),
    limits: topology.options.limits,
    backends: { cache: topology.options.backends.cache, bus: topology.options.backends.bus, lb: topology.options.backends.lb },
    registryUrl: topology.registryUrl,
    dataDir: topology.dataDir,
    timings: topology.timings,
    timingsPreset: topology.timingsPreset,
    readyMs: topology.readyMs,
    instances: topology.instances(),
  }),
};

const phoneRoute: ControlRoute = {
  method: 'GET',
  path: '/v1/phone/:number',
  async handle({ params, query, topology }) {
    const limit = query.get('limit');
    if (limit !== null && !/^[1-9]\d{0,5}$/.test(limit)) {
      throw runtimeError('CONTROL_INVALID_REQUEST', { message: `Expected limit to be a positive integer, got ${limit.slice(0, 20)}.` });
    }
    // SMS's own refusal (a malformed number: 400) reaches the caller as SMS gave it.
    const { answer } = await requestPhone(topology, { to: params.number ?? '', ...(limit === null ? {} : { limit: Number(limit) }) });
    return answer.status === 200 ? answer.body : new ControlReply(answer.status, answer.body);
  },
};

// The user's authenticator app (TOTP): auth's refusal (no authenticator enrolled: 404) reaches the caller as auth gave it.
const authenticatorRoute: ControlRoute = {
  method: 'GET',
  path: '/v1/authenticator/:username',
  async handle({ params, query, topology }) {
    const offset = query.get('offset');
    if (offset !== null && !/^-?[0-2]$/.test(offset)) {
      throw runtimeError('CONTROL_INVALID_REQUEST', { message: `Expected offset to be a whole number of steps from -2 to 2, got ${offset.slice(0, 20)}.` });
    }
    const { answer } = await requestAuthenticator(topology, params.username ?? '', offset === null ? {} : { offset: Number(offset) });
    return answer.status === 200 ? answer.body : new ControlReply(answer.status, answer.body);
  },
};

/** The routes every control server has: status, the phone (SMS and authenticator), modes, faults, scale and the event log. */
export const controlRoutes: readonly ControlRoute[] = Object.freeze([statusRoute, phoneRoute, authenticatorRoute, ...modeRoutes, ...faultRoutes, ...eventRoutes]);

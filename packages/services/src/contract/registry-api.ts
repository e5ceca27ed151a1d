/**
 * Who may call a route through the gateway.
 * `public`: anybody (register, verify, login, refresh).
 * `protected`: a valid access token is required; the gateway forwards the user in `x-user-id`.
 * `internal`: never reachable through the gateway; service-to-service only.
 */
export type RouteAccess = 'public' | 'protected' | 'internal';

/** A path prefix a service serves. Prefixes match whole segments: `/auth/login` matches `/auth/login/verify`, not `/auth/loginx`. */
export interface RouteSpec {
  readonly prefix: string;
  readonly access: RouteAccess;
  /**
   * Body limit in bytes for requests under this prefix, applied by the gateway and the lb
   * (declared length and replayable bodies); the registry accepts 1 byte to 64 MiB.
   * @default the proxy's own limit (`TOPOLAB_BODY_LIMIT`, 1 MiB)
   */
  readonly bodyLimit?: number;
}

/** The largest per-route body limit the registry accepts (64 MiB). */
export const maxRouteBodyLimit = 64 * 1024 * 1024;

/** Body of `POST /v1/instances`. */
export interface RegisterRequest {
  readonly service: string;
  readonly instanceId: string;
  readonly host: string;
  readonly port: number;
  readonly routes: readonly RouteSpec[];
  readonly pid?: number;
}

/** Answer to a registration: the lease the instance must keep renewing. */
export interface RegisterResponse {
  readonly instanceId: string;
  readonly heartbeatMs: number;
  readonly leaseMs: number;
}

/** One live instance as the registry sees it. */
export interface InstanceRecord {
  readonly service: string;
  readonly instanceId: string;
  readonly host: string;
  readonly port: number;
  readonly pid?: number;
  /** Epoch ms of registration. */
  readonly registeredAt: number;
  /** Epoch ms of the last heartbeat (or registration). */
  readonly lastHeartbeat: number;
}

/** A route in the table: prefix → service. */
export interface RouteEntry extends RouteSpec {
  readonly service: string;
}

/** `GET /v1/catalog`: everything a discovery client needs, with a version that grows on every change. */
export interface Catalog {
  /** Changes on every registry start, so clients accept a restarted registry's lower version. */
  readonly epoch: string;
  readonly version: number;
  /** Longest prefix first. */
  readonly routes: readonly RouteEntry[];
  /** Live instances per service; a known service with no live instance has an empty list. */
  readonly services: Readonly<Record<string, readonly InstanceRecord[]>>;
}

/** Kinds of change to the catalog. */
export type CatalogChangeKind = 'registered' | 'deregistered' | 'evicted';

/** One change to the catalog. */
export interface CatalogChange {
  readonly version: number;
  readonly kind: CatalogChangeKind;
  /** Epoch ms when the registry made the change (nginx-sync measures its lag from it). */
  readonly time: number;
  readonly instance: InstanceRecord;
}

/**
 * Data of the SSE event `catalog` on the push stream (`GET /v1/watch`): the whole catalog,
 * sent once on connect (no `change`) and again after every change. The catalog is small, so
 * a full copy per change keeps clients simple and immune to missed events.
 */
export interface CatalogEvent {
  readonly catalog: Catalog;
  readonly change?: CatalogChange;
}

/**
 * How the gateway finds the instance for a request (`--discovery`).
 * `client`: the gateway picks an instance itself from its cached copy of the registry (Eureka).
 * `server`: the gateway sends everything to the lb, which resolves the instance (ELB, NGINX+Consul).
 */
export const discoveryModeNames = ['client', 'server'] as const;

/** One discovery mode. */
export type DiscoveryModeName = (typeof discoveryModeNames)[number];

/**
 * How the gateway checks an access token (`--auth`), the seed's progression.
 * `remote`: it asks auth on every request.
 * `local`: it verifies the JWT itself and caches verdicts in-process; revocations arrive by bus.
 * `global`: it asks the global cache on every request (auth writes token state there).
 * `sidecar`: it asks its co-located sidecar, which caches, fills from the global cache and auth, and follows the bus.
 */
export const authModeNames = ['remote', 'local', 'global', 'sidecar'] as const;

/** One auth mode. */
export type AuthModeName = (typeof authModeNames)[number];

/**
 * The bench-only auth mode: the gateway skips the token check and forwards the JWT's `sub`
 * unverified, so a bench row shows what the check itself costs. A gateway accepts it only when
 * started with `TOPOLAB_BENCH_NO_AUTH=1` (envNames.benchNoAuth), which only `topolab bench`
 * sets; it is never one of `authModeNames`, so `topolab up`, `mode` and `--auth` never offer it.
 */
export const noAuthModeName = 'none';

/** An auth mode a gateway can run: one of `authModeNames`, or `none` where the bench opted in. */
export type GatewayAuthModeName = AuthModeName | typeof noAuthModeName;

/** The auth modes accepted: `authModeNames`, plus `none` when `noAuth` (the bench's opt-in) is on. */
export function acceptedAuthModeNames(noAuth: boolean): readonly GatewayAuthModeName[] {
  return noAuth ? [...authModeNames, noAuthModeName] : authModeNames;
}

/** The modes a topology (and each of its gateways) runs with. */
export interface TopologyModes {
  readonly discovery: DiscoveryModeName;
  readonly auth: AuthModeName;
}

/**
 * The supervisor command that switches a gateway's modes at run time: args
 * `{ discovery?, auth? }` (an omitted one stays), reply `{ discovery, auth }` now in force; a
 * mode the gateway cannot build is refused and nothing changes.
 */
export const modesSetCommand = 'modes.set';

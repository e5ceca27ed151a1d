import { busBackendNames, cacheBackendNames, defaultBackends, findProgram, lbBackendNames, serviceManifest, servicesWith, type ServiceSpec, type TopologyBackends } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { isTopolabError, type TopolabError } from '../errors/topolab-error.js';

/** What backs the swappable parts of a topology, as asked for. */
export interface BackendOptions extends Partial<TopologyBackends> {
  /**
   * An existing Redis (`redis://host:port`, the CLI reads `REDIS_URL`) for the parts on Redis:
   * topolab then starts no redis-server of its own. @default undefined (a supervised redis-server)
   */
  readonly redisUrl?: string;
}

/** Backends with defaults filled in and names checked. */
export interface NormalizedBackends extends TopologyBackends {
  readonly redisUrl: string | undefined;
}

function validateName<T extends string>(part: string, value: unknown, names: readonly T[]): T {
  if (names.includes(value as T)) return value as T;
  throw runtimeError('TOPOLOGY_INVALID_BACKEND', {
    message: `Expected the ${part} backend to be ${names.join(' or ')}, got ${String(value)}.`,
    details: { part, backend: String(value) },
  });
}

/** Fills the defaults (every part embedded) and checks the names (TOPOLOGY_INVALID_BACKEND) and the Redis URL (CONFIG_INVALID). */
export function normalizeBackends(options: BackendOptions = {}): NormalizedBackends {
  const redisUrl = options.redisUrl;
  if (redisUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(redisUrl).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw runtimeError('CONFIG_INVALID', { message: 'Expected the Redis URL to look like redis://host:port.', hint: 'Check REDIS_URL or --redis-url.' });
    }
  }
  return Object.freeze({
    cache: validateName('cache', options.cache ?? defaultBackends.cache, cacheBackendNames),
    bus: validateName('bus', options.bus ?? defaultBackends.bus, busBackendNames),
    lb: validateName('lb', options.lb ?? defaultBackends.lb, lbBackendNames),
    redisUrl,
  });
}

/** The services a topology with these backends runs: each one's `when`, and no redis-server of its own for an external Redis. */
export function selectServices(manifest: readonly ServiceSpec[], backends: NormalizedBackends): ServiceSpec[] {
  return servicesWith(backends, manifest).filter((spec) => !(spec.program?.external && backends.redisUrl !== undefined));
}

/**
 * The binary of every program among `services` (redis-server, nginx), found on PATH or in
 * the usual sbin folders; a missing one is TOPOLOGY_BACKEND_MISSING (exit 3) with the install
 * command, before anything starts.
 */
export function findPrograms(services: readonly ServiceSpec[], env: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (const spec of services) {
    if (!spec.program) continue;
    const binary = findProgram(spec.program.binary, env);
    if (!binary) {
      const { binary: name, debianPackage, brewFormula } = spec.program;
      throw runtimeError('TOPOLOGY_BACKEND_MISSING', {
        message: `The ${spec.name} backend needs ${name}, which is not installed.`,
        hint: `Install it (Debian/Ubuntu: sudo apt-get install -y ${debianPackage}; macOS: brew install ${brewFormula})${spec.program.external ? `, or ${spec.program.external.hint}` : ''}, or run without the flag.`,
        details: { service: spec.name, binary: name, package: debianPackage },
      });
    }
    found.set(spec.name, binary);
  }
  return found;
}

/** Checks up front that the programs `backends` need are installed (TOPOLOGY_BACKEND_MISSING otherwise). */
export function assertBackendsAvailable(backends: BackendOptions = {}, manifest: readonly ServiceSpec[] = serviceManifest): void {
  findPrograms(selectServices(manifest, normalizeBackends(backends)));
}

/**
 * Why `backends` cannot run here: the TOPOLOGY_BACKEND_MISSING error of the first program
 * that is not installed, or undefined when every one is (other errors are thrown).
 */
export function missingBackend(backends: BackendOptions = {}, manifest: readonly ServiceSpec[] = serviceManifest): TopolabError | undefined {
  try {
    assertBackendsAvailable(backends, manifest);
    return undefined;
  } catch (error) {
    if (isTopolabError(error) && error.code === 'TOPOLOGY_BACKEND_MISSING') return error;
    throw error;
  }
}

/** One line for a report: the missing program's message and its install hint. */
export function describeMissingBackend(error: TopolabError): string {
  return `${error.message} ${error.hint ?? ''}`.trim();
}

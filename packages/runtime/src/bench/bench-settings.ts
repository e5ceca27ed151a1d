import { acceptedAuthModeNames, discoveryModeNames, type DiscoveryModeName } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { benchBackends, benchLoadGenerators, benchSections, type BenchAuthMode, type BenchBackend, type BenchLoadGenerator, type BenchSection } from './bench-types.js';

/** The auth modes the bench knows: the gateway's, plus the bench-only `none`. */
export const benchAuthModes: readonly BenchAuthMode[] = acceptedAuthModeNames(true);

/** What `topolab bench` measures and how. */
export interface BenchSettings {
  /** @default ['client', 'server'] */
  readonly discovery: readonly DiscoveryModeName[];
  /** @default ['remote', 'local', 'global', 'sidecar', 'none'] */
  readonly auth: readonly BenchAuthMode[];
  /** Length of one row's load run. @default 10000 */
  readonly durationMs: number;
  /** Load before each row's run, not recorded (caches, JIT, keep-alive sockets). @default 1000 */
  readonly warmupMs: number;
  /** Concurrent connections of the load generator. @default 32 */
  readonly connections: number;
  /** Requests per second of the open-loop load during failover. @default 100 */
  readonly rate: number;
  /** Rounds of the throughput table (every row once per round). @default 3 */
  readonly rounds: number;
  /** Logouts per auth mode for the revocation lag. @default 50 */
  readonly sessions: number;
  /** Receiving sockets of the WebSocket fan-out, spread over the chat instances. @default 20 */
  readonly receivers: number;
  /** Messages timed in the WebSocket fan-out (each awaited by every receiver). @default 200 */
  readonly messages: number;
  /** @default every section */
  readonly sections: readonly BenchSection[];
  /**
   * Real backends measured beside the embedded ones: rows `client/global+redis` and
   * `server/<auth>+nginx`, revocation lag on Redis, failover through nginx. One not installed
   * is reported as missing. @default ['redis', 'nginx']
   */
  readonly backends: readonly BenchBackend[];
  /**
   * The load generator of the throughput table: `autocannon` in the bench process, or `wrk`
   * (Debian's, C, one thread) as a child process, which leaves the topology more of the cores;
   * BENCH_WRK_MISSING when it is not installed. @default 'autocannon'
   */
  readonly load: BenchLoadGenerator;
}

/** The defaults of every setting. */
export const defaultBenchSettings: BenchSettings = Object.freeze({
  discovery: [...discoveryModeNames],
  auth: benchAuthModes,
  durationMs: 10_000,
  warmupMs: 1000,
  connections: 32,
  rate: 100,
  rounds: 3,
  sessions: 50,
  receivers: 20,
  messages: 200,
  sections: [...benchSections],
  backends: [...benchBackends],
  load: 'autocannon',
});

const invalid = (message: string) => runtimeError('CONFIG_INVALID', { message });

/** Fills defaults and checks every setting once (CONFIG_INVALID); the result is frozen. */
export function normalizeBenchSettings(settings: Partial<BenchSettings> = {}): BenchSettings {
  const merged = { ...defaultBenchSettings, ...settings };
  checkList('discovery', merged.discovery, discoveryModeNames);
  checkList('auth', merged.auth, benchAuthModes);
  checkList('sections', merged.sections, benchSections);
  if (!Array.isArray(merged.backends)) throw invalid('Expected the `backends` setting to be a list of redis, nginx.');
  for (const backend of merged.backends) if (!benchBackends.includes(backend)) throw invalid(`Unknown backend "${String(backend).slice(0, 40)}"; expected redis or nginx.`);
  if (!benchLoadGenerators.includes(merged.load)) throw invalid(`Unknown load generator "${String(merged.load).slice(0, 40)}"; expected ${benchLoadGenerators.join(' or ')}.`);
  checkInteger('durationMs', merged.durationMs, 100);
  checkInteger('warmupMs', merged.warmupMs, 0);
  checkInteger('connections', merged.connections, 1);
  checkInteger('rate', merged.rate, 1);
  checkInteger('rounds', merged.rounds, 1);
  checkInteger('sessions', merged.sessions, 1);
  checkInteger('receivers', merged.receivers, 1);
  checkInteger('messages', merged.messages, 1);
  return Object.freeze({
    ...merged,
    discovery: unique(merged.discovery),
    auth: unique(merged.auth),
    sections: unique(merged.sections),
    backends: unique(merged.backends),
  });
}

function checkList(name: string, values: readonly string[], valid: readonly string[]): void {
  if (!Array.isArray(values) || values.length === 0) throw invalid(`Expected the \`${name}\` setting to name at least one of ${valid.join(', ')}.`);
  for (const value of values) {
    if (!valid.includes(value)) throw invalid(`Unknown ${name} "${String(value).slice(0, 40)}"; expected one of ${valid.join(', ')}.`);
  }
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw invalid(`Expected the \`${name}\` setting to be an integer of at least ${min}, got ${String(value)}.`);
}

function unique<T>(values: readonly T[]): readonly T[] {
  return Object.freeze([...new Set(values)]);
}

import { InvalidArgumentError } from 'commander';
import { benchAuthModes, benchBackends, benchSections, discoveryModeNames } from '@topolab/runtime/cli-facts';
import type { BenchAuthMode, BenchBackend, BenchLoadGenerator, BenchSection } from '@topolab/runtime/bench';
import type { BenchSettings, DiscoveryModeName } from '@topolab/runtime';

/** The flags of `topolab bench` as commander hands them over. */
export interface BenchFlags {
  discovery?: DiscoveryModeName[];
  auth?: BenchAuthMode[];
  duration?: number;
  warmup?: number;
  connections?: number;
  rate?: number;
  rounds?: number;
  sessions?: number;
  receivers?: number;
  messages?: number;
  only?: BenchSection[];
  backends?: BenchBackend[];
  load?: BenchLoadGenerator;
  json?: string;
  markdown?: string;
  html?: string;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses a duration: `10s`, `500ms`, `1m`, `1.5s`, or a bare number of seconds; answers milliseconds (at least 1). */
export function parseDuration(value: string): number {
  const ms = parseNonNegativeDuration(value);
  if (ms <= 0) throw new InvalidArgumentError('Expected a duration above zero such as 10s, 500ms or 1m.');
  return ms;
}

/** As parseDuration, and `0` (or `0s`) is allowed: `--warmup 0` skips the warm-up. */
export function parseNonNegativeDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * units[match[2] ?? 's']!) : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('Expected a duration such as 10s, 500ms or 1m.');
  return ms;
}

/** Builds a parser of comma-separated names among `valid` (`client,server`); duplicates are dropped. */
export function listParser<T extends string>(valid: readonly T[]): (value: string) => T[] {
  return (value) => {
    const names = value.split(',').map((name) => name.trim()).filter(Boolean);
    if (names.length === 0) throw new InvalidArgumentError(`Expected a comma-separated list of ${valid.join(', ')}.`);
    for (const name of names) {
      if (!(valid as readonly string[]).includes(name)) throw new InvalidArgumentError(`Unknown "${name.slice(0, 40)}"; expected a comma-separated list of ${valid.join(', ')}.`);
    }
    return [...new Set(names)] as T[];
  };
}

/** `--discovery client,server`. */
export const parseDiscoveryList = listParser(discoveryModeNames);
/** `--auth remote,local,global,sidecar,none` (`none` is bench-only). */
export const parseAuthList = listParser(benchAuthModes);
/** `--only throughput,revocation,failover,fanout,coldstart`. */
export const parseSectionList = listParser(benchSections);

const parseBackendNames = listParser([...benchBackends, 'none'] as const);
/** `--backends redis,nginx`, or `none` for the embedded parts alone. */
export function parseBackendList(value: string): BenchBackend[] {
  const names = parseBackendNames(value);
  if (names.includes('none') && names.length > 1) throw new InvalidArgumentError('Expected none alone, or a comma-separated list of redis, nginx.');
  return names.filter((name): name is BenchBackend => name !== 'none');
}

/** The bench settings the flags name (the runtime fills the rest with its defaults). */
export function settingsFromFlags(flags: BenchFlags): Partial<BenchSettings> {
  return {
    ...(flags.discovery ? { discovery: flags.discovery } : {}),
    ...(flags.auth ? { auth: flags.auth } : {}),
    ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
    ...(flags.warmup !== undefined ? { warmupMs: flags.warmup } : {}),
    ...(flags.connections !== undefined ? { connections: flags.connections } : {}),
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
    ...(flags.rounds !== undefined ? { rounds: flags.rounds } : {}),
    ...(flags.sessions !== undefined ? { sessions: flags.sessions } : {}),
    ...(flags.receivers !== undefined ? { receivers: flags.receivers } : {}),
    ...(flags.messages !== undefined ? { messages: flags.messages } : {}),
    ...(flags.only ? { sections: flags.only } : {}),
    ...(flags.backends ? { backends: flags.backends } : {}),
    ...(flags.load ? { load: flags.load } : {}),
  };
}

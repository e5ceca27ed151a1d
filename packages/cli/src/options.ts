import { InvalidArgumentError } from 'commander';

const serviceNamePattern = /^[a-z][a-z0-9-]*$/;

/** Parses a TCP port (0 lets the OS choose). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('Expected a port between 0 and 65535.');
  return port;
}

/** Parses a whole number that may be 0 (`--rate-limit 0` turns the limiter off). */
export function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number (0 or more).');
  return Number(value);
}

/** Parses a positive integer option such as `--limit 5`. */
export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

/** Parses one `--replicas SERVICE=N` (repeatable, or comma-separated) into the accumulated map. */
export function parseReplicas(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const next = { ...previous };
  for (const pair of value.split(',')) {
    const [name, count, ...rest] = pair.split('=');
    const n = Number(count);
    if (!name || !serviceNamePattern.test(name) || rest.length > 0 || !/^\d+$/.test(count ?? '') || n < 1) {
      throw new InvalidArgumentError(`Expected SERVICE=N such as profile=3, got "${pair}".`);
    }
    next[name] = n;
  }
  return next;
}

/** Parses an instance id such as `profile#2`. */
export function parseInstanceId(value: string): string {
  if (!/^[a-z][a-z0-9-]*#[1-9]\d*$/.test(value)) throw new InvalidArgumentError('Expected an instance id such as profile#2 (see `topolab status`).');
  return value;
}

/** Parses a replica count from 1 to 9. */
export function parseReplicaCount(value: string): number {
  if (!/^[1-9]$/.test(value)) throw new InvalidArgumentError('Expected a whole number from 1 to 9.');
  return Number(value);
}

/** Parses a phone number in E.164 form. */
export function parsePhoneNumber(value: string): string {
  if (!/^\+[1-9]\d{6,14}$/.test(value)) throw new InvalidArgumentError('Expected an E.164 number such as +447700900123.');
  return value;
}

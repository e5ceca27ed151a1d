import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKeys } from '../../../contract/backends.js';

/** One bus message as a stream entry holds it. */
export interface StreamEntry {
  readonly seq: number;
  readonly time: number;
  readonly data: unknown;
}

/** The seq of a stream entry id `0-<seq>`. */
export function seqOfStreamId(id: string): number {
  const dash = id.indexOf('-');
  const seq = Number(id.slice(dash + 1));
  if (dash === -1 || !Number.isSafeInteger(seq)) throw new Error(`unexpected stream entry id ${id}`);
  return seq;
}

/** Reads `[id, [field, value, …]]` as written by the Redis bus client (fields `time`, `data`). */
export function parseStreamEntry([id, fields]: [string, string[]]): StreamEntry {
  let time = 0;
  let data: unknown = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'time') time = Number(fields[i + 1]);
    else if (fields[i] === 'data') data = JSON.parse(fields[i + 1]!);
  }
  return { seq: seqOfStreamId(id), time, data };
}

/**
 * The bus epoch of this Redis data set, or null while none is written: only auth may write it
 * (contract/redis-acl.ts), and a Redis that started afresh has none until auth connects or publishes.
 */
export async function readBusEpoch(redis: Redis): Promise<string | null> {
  return redis.get(redisKeys.busEpoch);
}

/** Writes a new bus epoch unless one is there (SET NX): the role that writes it does so on each connection. */
export async function writeBusEpoch(redis: Redis): Promise<void> {
  await redis.set(redisKeys.busEpoch, randomUUID(), 'NX');
}

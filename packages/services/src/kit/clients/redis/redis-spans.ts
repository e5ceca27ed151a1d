import { performance } from 'node:perf_hooks';
import type { Telemetry } from '../../telemetry.js';
import { startChildTrace, type TraceContext } from '../../trace.js';
import { redisAddressOf } from '../../../contract/backends.js';
import type { RedisTarget } from './redis-connection.js';

/** Runs one Redis command, traced as a client span of the caller's span. */
export type RedisTracer = <T>(command: string, trace: TraceContext | undefined, run: () => Promise<T>) => Promise<T>;

/**
 * Creates the tracer of one Redis client. Redis records no spans itself, so each command's
 * client span says whom it reached (`peer: 'redis#1'`, `target`) and is marked `inferred`:
 * the hop list shows it as a hop of its own (`gateway#1 → redis#1 @127.0.11.1`), the way
 * tracing UIs infer an uninstrumented peer. Without a trace, or of an unsampled one, nothing is recorded.
 */
export function createRedisTracer(telemetry: Telemetry, target: RedisTarget): RedisTracer {
  const address = redisAddressOf(target.url);
  return async (command, parent, run) => {
    if (!parent || parent.sampled === false) return run();
    const trace = startChildTrace(parent);
    const started = performance.now();
    const start = Date.now();
    let failure: string | undefined;
    try {
      return await run();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      telemetry.span({
        traceId: trace.traceId,
        spanId: trace.spanId,
        parentSpanId: parent.spanId,
        kind: 'client',
        name: `redis ${command}`,
        start,
        durationMs: performance.now() - started,
        attributes: { peer: target.peer, peerService: 'redis', target: address, inferred: true, ...(failure ? { failure } : {}) },
      });
    }
  };
}

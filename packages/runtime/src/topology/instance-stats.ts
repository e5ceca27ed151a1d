import type { Catalog, Span } from '@topolab/services/contract';

/** What the topology counts per instance id (across restarts of that id). */
export interface InstanceCounters {
  /** Server spans: requests the instance answered. */
  readonly requests: number;
  /** Server spans that failed (see isFailedSpan). */
  readonly errors: number;
  /** Epoch ms of the last heartbeat the registry saw, from its catalog; undefined before the first. */
  readonly lastHeartbeat: number | undefined;
  /** Whether the latest catalog lists the instance; undefined before the first catalog was read. */
  readonly registered: boolean | undefined;
}

/** A failed request: status 5xx, or no status but an `error` attribute, or `failure: true`. */
export function isFailedSpan(span: Span): boolean {
  if (span.attributes?.failure === true) return true;
  if (span.status === undefined) return span.attributes?.error !== undefined;
  return span.status >= 500;
}

/** Per-instance counters fed by spans and registry catalogs. */
export interface InstanceStats {
  recordSpans(spans: readonly Span[]): void;
  recordCatalog(catalog: Catalog): void;
  get(instanceId: string): InstanceCounters;
}

/** Creates empty counters. */
export function createInstanceStats(): InstanceStats {
  const counts = new Map<string, { requests: number; errors: number }>();
  const heartbeats = new Map<string, number>();
  let listed: Set<string> | undefined;
  return {
    recordSpans(spans) {
      for (const span of spans) {
        if (span.kind !== 'server') continue;
        const entry = counts.get(span.instanceId) ?? { requests: 0, errors: 0 };
        entry.requests += 1;
        if (isFailedSpan(span)) entry.errors += 1;
        counts.set(span.instanceId, entry);
      }
    },
    recordCatalog(catalog) {
      listed = new Set();
      for (const records of Object.values(catalog.services ?? {})) {
        for (const record of records) {
          listed.add(record.instanceId);
          heartbeats.set(record.instanceId, record.lastHeartbeat);
        }
      }
    },
    get(instanceId) {
      const entry = counts.get(instanceId);
      return {
        requests: entry?.requests ?? 0,
        errors: entry?.errors ?? 0,
        lastHeartbeat: heartbeats.get(instanceId),
        registered: listed?.has(instanceId),
      };
    },
  };
}

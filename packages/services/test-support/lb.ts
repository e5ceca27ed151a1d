import type { CatalogCache } from '../src/kit/discovery/catalog-cache.js';
import { closeServer, listenOnLoopback, recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createLbApp, type LbAppConfig } from '../src/lb/app.js';

/** Options of startTestLb. */
export interface TestLbOptions {
  readonly catalog: CatalogCache;
  readonly config?: Partial<LbAppConfig>;
  /** Where it listens (the gateway's test helpers send to 127.0.0.1). @default '127.0.0.1' */
  readonly host?: string;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** An lb built in-process, listening on a loopback address on an OS-assigned port, with the spans and events it recorded so far. */
export interface TestLb extends Pick<RecordedTelemetry, 'spans' | 'events'> {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Builds and starts an lb over `catalog` as `lb#1`; the caller registers `close` right away. */
export async function startTestLb(options: TestLbOptions): Promise<TestLb> {
  const recorded = recordTelemetry('lb', { level: 'error' });
  const config: LbAppConfig = { bodyLimit: 1024 * 1024, upstreamTimeoutMs: 2000, passiveHealthFailures: 5, ...options.config };
  const server = createLbApp({ config, telemetry: recorded.telemetry, catalog: options.catalog, ...(options.clock ? { clock: options.clock } : {}) });
  const { host, port } = await listenOnLoopback(server, options.host ?? '127.0.0.1');
  return { id: 'lb#1', host, port, spans: recorded.spans, events: recorded.events, close: () => closeServer(server) };
}

import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { endStreamsOnClose } from '../kit/http/event-streams.js';
import { createHttpServer } from '../kit/http/server.js';
import { Router } from '../kit/http/router.js';
import type { ServiceGuard } from '../kit/service-auth/guard.js';
import type { ServiceApp } from '../kit/service-main.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { BusBackend } from './backend.js';
import { createBusRoutes } from './routes.js';
import { createTopicStreams, type TopicStreams } from './topic-streams.js';

/** Options of createBusApp. */
export interface BusAppOptions {
  readonly backend: BusBackend;
  readonly telemetry: Telemetry;
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
  /** Interval of the stream keep-alive comment; subscribers take 3 s of silence as a paused bus. @default 1000 */
  readonly keepAliveMs?: number;
  /** Unsent bytes after which a subscriber is dropped. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /**
   * Checks service tokens: `bus.subscribe` to read a topic, `bus.publish` to publish (on a topic
   * the client's service may publish on: `busPublishers`). main.ts always passes one; without it
   * (in-process tests of other parts) the bus is open.
   */
  readonly serviceAuth?: ServiceGuard;
}

/** The built, unstarted bus, with its stream hub exposed for tests. */
export interface BusApp extends ServiceApp {
  readonly server: Server;
  readonly streams: TopicStreams;
  /** Ends every stream and closes the backend. */
  close(): Promise<void>;
}

/** The bus is internal: registered so others find it in the catalog, never routed to by the gateway. */
export const busRoutes: readonly RouteSpec[] = [];

/** Builds the message bus over `backend`: publish, backlog and SSE subscriptions. */
export function createBusApp(options: BusAppOptions): BusApp {
  const { backend, telemetry } = options;
  const streams = createTopicStreams({
    backend,
    telemetry,
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
    ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
  });
  const router = new Router().add(...createBusRoutes({ backend, streams, telemetry, guarded: options.serviceAuth !== undefined }));
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  endStreamsOnClose(server, () => streams.close());
  return {
    server,
    streams,
    routes: busRoutes,
    async close() {
      streams.close();
      await backend.close();
    },
  };
}

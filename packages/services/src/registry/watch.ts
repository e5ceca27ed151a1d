import type { ServerResponse } from 'node:http';
import type { CatalogEvent } from '../contract/registry-api.js';
import { formatSseEvent } from '../kit/discovery/sse.js';
import { createEventStreams } from '../kit/http/event-streams.js';

/** Options of createWatchHub. */
export interface WatchHubOptions {
  /** Interval of the `:keep-alive` comment that keeps idle proxies and clients from closing the stream. @default 15000 */
  readonly keepAliveMs?: number;
  /** A subscriber with more unsent bytes than this (a paused client) is dropped; it reconnects and gets a full snapshot. @default 1048576 */
  readonly maxBufferedBytes?: number;
}

/** The push stream of `GET /v1/watch`: every subscriber gets each catalog event. */
export interface WatchHub {
  /** Turns `res` into an event stream and sends `snapshot` first. */
  subscribe(res: ServerResponse, snapshot: CatalogEvent): void;
  /** Sends one event to every subscriber. */
  publish(event: CatalogEvent): void;
  /** Number of open streams. */
  readonly size: number;
  /** Ends every stream and stops the keep-alive timer. */
  close(): void;
}

/** The SSE event name the kit's catalog cache listens for. */
export const catalogEventName = 'catalog';

/** Creates an SSE hub with one shared keep-alive timer. */
export function createWatchHub(options: WatchHubOptions = {}): WatchHub {
  const streams = createEventStreams({ keepAliveMs: options.keepAliveMs ?? 15_000, ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }) });
  return {
    subscribe(res, snapshot) {
      if (streams.open(res)) streams.send(res, formatSseEvent(catalogEventName, snapshot));
    },
    publish(event) {
      if (streams.size > 0) streams.broadcast(formatSseEvent(catalogEventName, event));
    },
    get size() {
      return streams.size;
    },
    close: () => streams.close(),
  };
}

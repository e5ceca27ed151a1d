import type { ServerResponse } from 'node:http';
import type { CatalogEvent } from '../contract/registry-api.js';
import { formatSseEvent } from '../kit/discovery/sse.js';

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
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const subscribers = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;

  function send(res: ServerResponse, text: string): void {
    if (res.writableLength > maxBuffered) {
      subscribers.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  }

  function broadcast(text: string): void {
    for (const res of subscribers) send(res, text);
  }

  function startTimer(): void {
    if (timer) return;
    timer = setInterval(() => broadcast(':keep-alive\n\n'), keepAliveMs);
    timer.unref();
  }

  function forget(res: ServerResponse): void {
    subscribers.delete(res);
    if (subscribers.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    subscribe(res, snapshot) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      subscribers.add(res);
      res.once('close', () => forget(res));
      send(res, formatSseEvent(catalogEventName, snapshot));
      startTimer();
    },
    publish(event) {
      if (subscribers.size > 0) broadcast(formatSseEvent(catalogEventName, event));
    },
    get size() {
      return subscribers.size;
    },
    close() {
      clearInterval(timer);
      timer = undefined;
      for (const res of subscribers) res.end();
      subscribers.clear();
    },
  };
}
